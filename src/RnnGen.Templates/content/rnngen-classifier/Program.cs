using System.Globalization;
using System.Text.Json;
using MyClassifier;
using RnnGen.Callbacks;
using RnnGen.Data;
using RnnGen.Optimizers;
using RnnGen.Serving;
using RnnGen.Text;
using RnnGen.Training;

// MyClassifier train <data> [--model folder] [--epochs N] [--seed N]
// MyClassifier evaluate <data> [--model folder]
// MyClassifier predict <text | file | -> [--model folder]
// <data> is a folder with one subfolder of .txt files per class, a .csv/.tsv file, or a .jsonl file; CSV and JSON Lines
// take the columns or fields "text" and "label" (--text-column, --label-column to change them).
try
{
    return args switch
    {
        ["train", string data, .. string[] rest] => Commands.Train(data, new Options(rest)),
        ["evaluate", string data, .. string[] rest] => Commands.Evaluate(data, new Options(rest)),
        ["predict", string input, .. string[] rest] => Commands.Predict(input, new Options(rest)),
        _ => Commands.Usage(),
    };
}
catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or FormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

/// <summary>The three commands.</summary>
internal static class Commands
{
    public static int Train(string dataPath, Options options)
    {
        LabeledTexts data = Read(dataPath, options, classNames: null);
        int classes = TextModel.Classes == 1 ? 2 : TextModel.Classes;
        if (data.ClassNames.Count != classes)
        {
            throw new ArgumentException(
                $"{dataPath} has {data.ClassNames.Count} classes ({string.Join(", ", data.ClassNames)}), but TextModel has {classes}; set Classes in TextModel.cs.");
        }

        (LabeledTexts train, LabeledTexts validation) = data.Split(0.2, options.Seed);
        TextVectorizer text = TextVectorizer.Adapt(train.Texts, maxTokens: TextModel.Vocab, sequenceLength: TextModel.SeqLen);
        Console.WriteLine($"{data.Count} texts in {classes} classes ({string.Join(", ", data.ClassNames)}): {train.Count} to train, {validation.Count} to validate.");
        var model = new TextModel(options.Seed);
        Console.Write(model.Summary());
        model.Fit(
            train.Encode(text), options.Epochs, batchSize: 32, new Adam(), validation: validation.Encode(text), seed: options.Seed,
            callbacks: [new EarlyStopping(monitor: "val_loss", patience: 2, restoreBestWeights: true)], bucketByLength: true);
        (double loss, double accuracy) = model.Evaluate(validation.Encode(text));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Validation accuracy: {accuracy:F4} (loss {loss:F4})"));
        TextClassifier.Create(model, text, data.ClassNames).Save(options.ModelFolder);
        Console.WriteLine($"Saved in {options.ModelFolder}");
        return 0;
    }

    public static int Evaluate(string dataPath, Options options)
    {
        TextClassifier classifier = TextClassifier.Load(options.ModelFolder, new TextModel());
        LabeledTexts data = Read(dataPath, options, classifier.ClassNames);
        (double loss, double accuracy) = classifier.Model.Evaluate(data.Encode(classifier.Encoder));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Accuracy: {accuracy:F4} (loss {loss:F4}) on {data.Count} texts"));
        return 0;
    }

    /// <summary>One JSON line per text: the text, the label, its probability and every class's.</summary>
    public static int Predict(string input, Options options)
    {
        TextClassifier classifier = TextClassifier.Load(options.ModelFolder, new TextModel());
        // "-": one text per line of standard input; an existing file: one per line; anything else is one text.
        using TextReader? file = input != "-" && File.Exists(input) ? File.OpenText(input) : null;
        IEnumerable<(string Text, TextPrediction Prediction)> predictions = input == "-" ? classifier.PredictLines(Console.In)
            : file is not null ? classifier.PredictLines(file)
            : [(input, classifier.Predict(input))];
        using Stream stdout = Console.OpenStandardOutput();
        using var output = new Utf8JsonWriter(stdout);
        foreach ((string text, TextPrediction prediction) in predictions)
        {
            output.WriteStartObject();
            output.WriteString("text", text);
            output.WriteString("label", prediction.Label);
            output.WriteNumber("probability", Math.Round(prediction.Probability, 6));
            output.WriteStartObject("probabilities");
            for (int k = 0; k < prediction.Probabilities.Count; k++)
            {
                output.WriteNumber(classifier.ClassNames[k], Math.Round(prediction.Probabilities[k], 6));
            }

            output.WriteEndObject();
            output.WriteEndObject();
            output.Flush();
            output.Reset(); // one JSON value per line (JSON Lines)
            stdout.WriteByte((byte)'\n');
        }

        return 0;
    }

    public static int Usage()
    {
        Console.Error.WriteLine("usage: MyClassifier train <data> [--model folder] [--epochs N] [--seed N]");
        Console.Error.WriteLine("       MyClassifier evaluate <data> [--model folder]");
        Console.Error.WriteLine("       MyClassifier predict <text | file | -> [--model folder]");
        Console.Error.WriteLine("<data>: a folder with one subfolder of .txt files per class, a .csv/.tsv or a .jsonl file");
        return 2;
    }

    private static LabeledTexts Read(string path, Options options, IReadOnlyList<string>? classNames) =>
        Directory.Exists(path) ? TextData.FromDirectory(path, classNames)
        : path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? TextData.FromJsonLines(path, options.TextColumn, options.LabelColumn, classNames)
        : TextData.FromCsv(path, options.TextColumn, options.LabelColumn, classNames);
}

/// <summary>The options after the command's argument, each <c>--name value</c>.</summary>
internal sealed class Options
{
    public Options(string[] args)
    {
        for (int i = 0; i < args.Length; i += 2)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--model": ModelFolder = value; break;
                case "--epochs": Epochs = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--seed": Seed = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--text-column": TextColumn = value; break;
                case "--label-column": LabelColumn = value; break;
                default: throw new ArgumentException($"Unknown option {args[i]}; see the usage with no arguments.");
            }
        }
    }

    public string ModelFolder { get; } = "model";

    public int Epochs { get; } = 20;

    public int Seed { get; }

    public string TextColumn { get; } = "text";

    public string LabelColumn { get; } = "label";
}
