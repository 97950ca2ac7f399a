namespace RnnGen.Callbacks;

/// <summary>
/// What a callback carries from one epoch to the next (EarlyStopping's best value, wait count and best weights), saved
/// in training checkpoints beside the training position so that a resumed run continues exactly as if it had never
/// stopped. Values are invariant-culture strings; tensors are float arrays, stored as 1-D F32 tensors.
/// </summary>
/// <param name="Values">Named scalars, as the callback formats them.</param>
/// <param name="Tensors">Named float arrays.</param>
public sealed record CallbackState(IReadOnlyDictionary<string, string> Values, IReadOnlyDictionary<string, float[]> Tensors);
