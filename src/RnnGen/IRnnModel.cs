using RnnGen.Optimizers;
using RnnGen.Initialization;

namespace RnnGen;

/// <summary>
/// The contract every <see cref="RnnModelAttribute"/> class implements through its generated code. Token batches are
/// row-major <c>[batch, SeqLen]</c> ids in <c>[0, Vocab)</c>; labels are <c>[batch]</c> values 0 or 1.
/// </summary>
public interface IRnnModel
{
    /// <summary>The shapes, cell and tensor table of the model.</summary>
    ModelDescription Description { get; }

    /// <summary>All trainable parameters in one contiguous buffer, laid out as <see cref="ModelDescription.Tensors"/>.</summary>
    Span<float> Parameters { get; }

    /// <summary>The gradients of the last <see cref="ComputeGradients"/> call, in the parameter layout.</summary>
    ReadOnlySpan<float> Gradients { get; }

    /// <summary>
    /// Runs the forward pass and full backpropagation through time for one batch and returns the mean binary
    /// cross-entropy (computed from logits). The gradients are left in <see cref="Gradients"/>; the weights do not change.
    /// </summary>
    float ComputeGradients(ReadOnlySpan<int> tokens, ReadOnlySpan<float> labels);

    /// <summary>
    /// The logits <c>[batch]</c> of the forward pass of the last <see cref="ComputeGradients"/> or <see cref="TrainStep"/>
    /// call, computed in training mode before the weights changed. The trainer's epoch accuracy comes from these, as
    /// Keras computes its training metrics from the training forward pass. The default is empty: the trainer then runs
    /// <see cref="PredictLogits"/> before each step, one extra forward pass per batch.
    /// </summary>
    ReadOnlySpan<float> Logits => [];

    /// <summary>One training step: <see cref="ComputeGradients"/>, then <paramref name="optimizer"/> updates the weights. Returns the loss before the update.</summary>
    float TrainStep(ReadOnlySpan<int> tokens, ReadOnlySpan<float> labels, Optimizer optimizer);

    /// <summary>Writes the logit <c>h_T·W + b</c> of every sample in the batch to <paramref name="logits"/>.</summary>
    void PredictLogits(ReadOnlySpan<int> tokens, Span<float> logits);

    /// <summary>Writes the probability <c>σ(logit)</c> of every sample in the batch to <paramref name="probabilities"/>.</summary>
    void Predict(ReadOnlySpan<int> tokens, Span<float> probabilities);

    /// <summary>Returns the probability <c>σ(logit)</c> of every sample in the batch.</summary>
    float[] Predict(ReadOnlySpan<int> tokens);

    /// <summary>
    /// The number of threads a batch runs on (0: one per processor, the default). A batch splits into shards by its size
    /// alone and the shards are reduced in a fixed order, so the result does not depend on this setting.
    /// </summary>
    int Threads { get; set; }

    /// <summary>
    /// The generator of the model's dropout masks, or <see langword="null"/> when the model has no dropout. Checkpoints save
    /// and restore its state, so a resumed run draws the same masks as an uninterrupted one.
    /// </summary>
    RnnRandom? DropoutRandom => null;

    /// <summary>A Keras-style summary table: layers, output shapes and parameter counts.</summary>
    string Summary();
}
