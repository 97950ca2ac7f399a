namespace RnnGen.Checkpoints;

/// <summary>The <c>__metadata__</c> keys of an RnnGen checkpoint. All values are strings, as safetensors requires.</summary>
public static class CheckpointMetadata
{
    /// <summary>The format marker key; its value is <see cref="FormatName"/>.</summary>
    public const string Format = "format";

    /// <summary>The value of <see cref="Format"/>.</summary>
    public const string FormatName = "rnngen-checkpoint";

    /// <summary>The format version key.</summary>
    public const string FormatVersion = "format_version";

    /// <summary>The format version this build writes and the newest it reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The model's <see cref="ModelDescription.SpecText"/>.</summary>
    public const string ModelSpec = "model.spec";

    /// <summary>The model's class name.</summary>
    public const string ModelName = "model.name";

    /// <summary>The recurrent cell (<see cref="RnnCell"/>).</summary>
    public const string ModelCell = "model.cell";

    /// <summary>The SimpleRNN activation (<see cref="RnnActivation"/>).</summary>
    public const string ModelActivation = "model.activation";

    /// <summary>The vocabulary size.</summary>
    public const string ModelVocab = "model.vocab";

    /// <summary>The embedding width.</summary>
    public const string ModelEmbed = "model.embed";

    /// <summary>The units per recurrent layer.</summary>
    public const string ModelUnits = "model.units";

    /// <summary>The number of recurrent layers.</summary>
    public const string ModelLayers = "model.layers";

    /// <summary>The sequence length.</summary>
    public const string ModelSeqLen = "model.seq_len";

    /// <summary>The number of trainable parameters.</summary>
    public const string ModelParameters = "model.parameters";

    /// <summary>The state of the model's dropout generator (<see cref="IRnnModel.DropoutRandom"/>), as 64 hexadecimal digits.</summary>
    public const string ModelDropoutRandomState = "model.dropout_rng_state";

    /// <summary>The optimizer's Keras name (<c>adam</c>, <c>rmsprop</c>, <c>sgd</c>).</summary>
    public const string OptimizerName = "optimizer.name";

    /// <summary>The optimizer's step count (Keras <c>iterations</c>).</summary>
    public const string OptimizerIterations = "optimizer.iterations";

    /// <summary>The learning rate.</summary>
    public const string OptimizerLearningRate = "optimizer.learning_rate";

    /// <summary>The key of an optimizer setting (Optimizer.Settings): <c>optimizer.{name}</c>, such as <c>optimizer.beta_1</c>.</summary>
    public static string OptimizerSetting(string name) => "optimizer." + name;

    /// <summary><see cref="Training.TrainingPosition.Epoch"/>.</summary>
    public const string TrainingEpoch = "training.epoch";

    /// <summary><see cref="Training.TrainingPosition.Step"/>.</summary>
    public const string TrainingStep = "training.step";

    /// <summary><see cref="Training.TrainingPosition.BatchSize"/>.</summary>
    public const string TrainingBatchSize = "training.batch_size";

    /// <summary><see cref="Training.TrainingPosition.Samples"/>.</summary>
    public const string TrainingSamples = "training.samples";

    /// <summary><see cref="Training.TrainingPosition.Shuffle"/>.</summary>
    public const string TrainingShuffle = "training.shuffle";

    /// <summary><see cref="Training.TrainingPosition.BucketByLength"/>; absent in checkpoints of runs without it.</summary>
    public const string TrainingBucketByLength = "training.bucket_by_length";

    /// <summary><see cref="Training.TrainingPosition.Seed"/>.</summary>
    public const string TrainingSeed = "training.seed";

    /// <summary><see cref="Training.TrainingPosition.RandomState"/>, as 64 hexadecimal digits.</summary>
    public const string TrainingRandomState = "training.rng_state";

    /// <summary><see cref="Training.TrainingPosition.LossSum"/>, round-trip.</summary>
    public const string TrainingLossSum = "training.loss_sum";

    /// <summary><see cref="Training.TrainingPosition.Correct"/>.</summary>
    public const string TrainingCorrect = "training.correct";

    /// <summary><see cref="Training.TrainingPosition.Seen"/>.</summary>
    public const string TrainingSeen = "training.seen";

    /// <summary><see cref="Training.TrainingPosition.History"/>, as compact history JSON.</summary>
    public const string TrainingHistory = "training.history";

    /// <summary>
    /// "callback.{name}": a callback's saved state (Callback.SaveState) exists; the value lists its tensors, comma-separated.
    /// </summary>
    public const string CallbackPrefix = "callback.";

    /// <summary>The metadata key of a callback's value: <c>callback.{name}.{key}</c>.</summary>
    public static string CallbackValueName(string callback, string key) => $"{CallbackPrefix}{callback}.{key}";

    /// <summary>The tensor name of a callback's array: <c>callback.{name}/{tensor}</c>.</summary>
    public static string CallbackTensorName(string callback, string tensor) => $"{CallbackPrefix}{callback}/{tensor}";

    /// <summary>The name of the tensor holding optimizer slot <paramref name="slot"/> of model tensor <paramref name="tensor"/>: <c>optimizer/adam/m/simple_rnn/kernel</c>.</summary>
    public static string SlotTensorName(string optimizer, string slot, string tensor) => $"optimizer/{optimizer}/{slot}/{tensor}";
}
