using ConsoleAppFramework;
using RnnGen.Checkpoints;
using RnnGen.Data;

namespace ImdbSample;

/// <summary>
/// The command line, parsed by ConsoleAppFramework's source generator: these methods' parameters are the options, and
/// their doc comments are the <c>--help</c> text. Each command turns a problem the user can fix into one line on stderr
/// and exit code 1.
/// </summary>
internal static class Commands
{
    /// <summary>Train a model on IMDB, report its test accuracy and save it (the default command).</summary>
    /// <param name="model">-m, The model: seed (default), simplernn, lstm, gru, lstm-masked, bilstm or rating.</param>
    /// <param name="data">-d, The IMDB archive (aclImdb_v1.tar.gz or its labeled copy) or folder; when not given, found automatically (RNNGEN_DATA, shared/data/imdb above the current or program folder, the cache folder), else downloaded.</param>
    /// <param name="epochs">-e, The most epochs to train (EarlyStopping may stop sooner); when not given, the model's: 10.</param>
    /// <param name="batchSize">-b, The batch size; when not given, the model's: 128.</param>
    /// <param name="learningRate">The learning rate; when not given, the model's: 0.001 (Adam for seed, RMSprop for the others).</param>
    /// <param name="patience">EarlyStopping's patience, in epochs without a lower val_loss; when not given, the model's: 2.</param>
    /// <param name="seed">-s, The seed of the initial weights and of the shuffle before each epoch.</param>
    /// <param name="output">-o, The folder to write the model, vocabulary, history and curves to; when not given, out/MODEL.</param>
    /// <param name="cache">The folder of the encoded-data cache; when not given, $XDG_CACHE_HOME/rnngen/datasets or RnnGen/datasets in the user's local application data.</param>
    /// <param name="quiet">-q, Print only the results.</param>
    /// <param name="verbose">-v, Also print the weight table, the runtime and its vector instructions, the data encoding and the full path of every file written.</param>
    /// <param name="bucketByLength">Group the reviews of each epoch into batches of similar length (seeded); a masked model then skips the steps where a whole batch is padding.</param>
    public static int Train(
        string? model = null,
        string? data = null,
        int? epochs = null,
        int? batchSize = null,
        float? learningRate = null,
        int? patience = null,
        int seed = 0,
        string? output = null,
        string? cache = null,
        bool quiet = false,
        bool verbose = false,
        bool bucketByLength = false) => Guard(() =>
    {
        ModelEntry entry = ModelCatalog.Find(model ?? "seed");
        var options = new TrainOptions
        {
            Model = entry,
            Output = output ?? ModelFolder.DefaultFor(entry.Name),
            DataPath = data,
            CacheFolder = cache,
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
            Patience = patience,
            Seed = seed,
            BucketByLength = bucketByLength,
            Verbosity = ToVerbosity(quiet, verbose),
        };

        // The first Ctrl+C asks the trainer to stop after the current batch; the handler then lets a second one end the
        // process at once.
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (!cancellation.IsCancellationRequested)
            {
                e.Cancel = true;
                cancellation.Cancel();
            }
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return TrainCommand.Run(options, Console.Out, cancellation.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    });

    /// <summary>Load a trained model folder and print its loss and accuracy on all 25,000 test reviews.</summary>
    /// <param name="model">-m, The model whose default folder (out/MODEL) to read; with --output, a check of the folder's model.</param>
    /// <param name="output">-o, The model folder written by train; when not given, out/MODEL (MODEL from --model, else seed).</param>
    /// <param name="data">-d, The IMDB archive or folder; when not given, found automatically, as for train.</param>
    /// <param name="cache">The folder of the encoded-data cache; when not given, as for train.</param>
    /// <param name="quiet">-q, Print only the result.</param>
    /// <param name="lastTokens">Also evaluate on the test reviews cut to their last N tokens, for each N given (e.g. 20,50,100): how the model does on short texts.</param>
    public static int Evaluate(string? model = null, string? output = null, string? data = null, string? cache = null, bool quiet = false, string? lastTokens = null) => Guard(() =>
        UseCommands.Evaluate(Folder(model, output), model, data, cache, ToVerbosity(quiet, verbose: false), Console.Out, UseCommands.ParseLengths(lastTokens)));

    /// <summary>Print the probability that a review is positive, from a trained model folder and its saved vocabulary.</summary>
    /// <param name="text">The review text, quoted; or a file with one review per line; or - for one review per line of standard input.</param>
    /// <param name="model">-m, The model whose default folder (out/MODEL) to read; with --output, a check of the folder's model.</param>
    /// <param name="output">-o, The model folder written by train; when not given, out/MODEL (MODEL from --model, else seed).</param>
    /// <param name="quiet">-q, Print only the label and probability.</param>
    /// <param name="verbose">-v, Also print the runtime (JIT or NativeAOT) and the vector instructions the kernels use.</param>
    /// <param name="format">-f, For a file or standard input: json (one JSON line per review) or csv (one row per review, with a header).</param>
    public static int Predict([Argument] string text, string? model = null, string? output = null, bool quiet = false, bool verbose = false, string format = "json") => Guard(() =>
        text == "-" ? UseCommands.PredictLines(Folder(model, output), model, Console.In, format, Console.Out)
        : File.Exists(text) ? PredictFile(text, model, output, format)
        : UseCommands.Predict(Folder(model, output), model, text, ToVerbosity(quiet, verbose), Console.Out));

    /// <summary>Write a trained model folder's model in another format: ONNX (for ONNX Runtime), or Keras' .keras, .weights.h5 or legacy .h5.</summary>
    /// <param name="model">-m, The model whose default folder (out/MODEL) to read; with --output, a check of the folder's model.</param>
    /// <param name="output">-o, The model folder written by train; when not given, out/MODEL (MODEL from --model, else seed).</param>
    /// <param name="format">-f, The format: onnx, keras, weights.h5 or h5.</param>
    /// <param name="file">The file to write; when not given, model.onnx, model.keras, model.weights.h5 or model.h5 in the model folder.</param>
    public static int Export(string? model = null, string? output = null, string format = "onnx", string? file = null) => Guard(() =>
        UseCommands.Export(Folder(model, output), model, format, file, Console.Out));

    /// <summary>Print the [RnnModel(...)] attribute that compiles the model of a Keras file (.keras, .weights.h5 or legacy .h5).</summary>
    /// <param name="file">The Keras file.</param>
    /// <param name="seqLen">The sequence length to print where the file records none (a .weights.h5 file).</param>
    public static int KerasAttribute([Argument] string file, int seqLen = 0) => Guard(() => UseCommands.KerasAttribute(file, seqLen, Console.Out));

    /// <summary>Serve a trained model folder over HTTP: POST /predict, GET /health, and a page at / to try it.</summary>
    /// <param name="model">-m, The model whose default folder (out/MODEL) to read; with --output, a check of the folder's model.</param>
    /// <param name="output">-o, The model folder written by train; when not given, out/MODEL (MODEL from --model, else seed).</param>
    /// <param name="urls">The addresses to listen on; port 0 picks a free port (printed at start).</param>
    /// <param name="maxBodyBytes">The largest request body accepted (413 beyond it).</param>
    /// <param name="maxTexts">The most texts in one request (413 beyond it).</param>
    public static int Serve(string? model = null, string? output = null, string urls = "http://127.0.0.1:5080", long maxBodyBytes = 1 << 20, int maxTexts = 256) => Guard(() =>
        ServeCommand.Run(Folder(model, output), model, urls, maxBodyBytes, maxTexts, Console.Out));

    private static int PredictFile(string path, string? model, string? output, string format)
    {
        using StreamReader lines = File.OpenText(path);
        return UseCommands.PredictLines(Folder(model, output), model, lines, format, Console.Out);
    }

    private static ModelFolder Folder(string? model, string? output) =>
        new(output ?? ModelFolder.DefaultFor(ModelCatalog.Find(model ?? "seed").Name));

    private static Verbosity ToVerbosity(bool quiet, bool verbose) =>
        quiet && verbose ? throw new UsageException("--quiet and --verbose exclude each other.")
        : quiet ? Verbosity.Quiet
        : verbose ? Verbosity.Verbose
        : Verbosity.Normal;

    /// <summary>
    /// Runs a command; the errors a user can fix (options, missing or foreign files, data, I/O) become one line on stderr and
    /// exit code 1. Anything else is a bug, and ConsoleAppFramework prints it with its stack trace.
    /// </summary>
    private static int Guard(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception e) when (e is UsageException or ImdbDataException or CheckpointException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }
}
