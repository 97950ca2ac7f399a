using System.Text.RegularExpressions;

namespace RnnGen.Generator.Model;

/// <summary>
/// The names the emitters declare directly in a model class (the members of its nested Shard class are out of scope:
/// they cannot clash with the model's own name or members). Kept beside the spec so that the parser can refuse a class
/// or a user member with one of these names before any code is generated; GeneratedMembersTests compiles a model class
/// named after each one and checks the list against the emitters.
/// </summary>
internal static class GeneratedMembers
{
    private static readonly string[] s_fixed =
    [
        "Vocab", "Embed", "Units", "Layers", "SeqLen", "ParameterCount", "Classes", "Description", "Parameters", "Gradients",
        "Threads", "ComputeGradients", "ComputeGradientsOfOneCaller", "TrainStep", "PredictLogits", "PredictLogitsOfOneCaller",
        "Logits", "Predict", "Summary", "SummaryText", "DropoutRandom", "Shard", "PrepareBatch", "ReduceGradients",
        "TransposeWeights", "At", "Slice", "ReadOnlySlice",
        "_backwardShard", "_batchTokens", "_caller", "_dLogits", "_dropoutRandom", "_forwardShard", "_gradients", "_logits",
        "_logitsOfTraining", "_parameters", "_runner", "_shardCount", "_shards", "_usedRows", "s_zeros",
    ];

    // The transposed weights of each layer (_kernelT{i}, _recurrentT{i}). The kernels (MatMul{N}, ...) live in
    // RnnGen.Generated.MatrixKernels, so they clash with nothing; their names stay here, refused as class names, so
    // that a model never shadows them.
    private static readonly Regex s_numbered = new(
        @"^(MatMul\d+(Vector(128|256|512))?|AddTransposedProduct\d+|_kernelT\d+|_recurrentT\d+)$", RegexOptions.CultureInvariant);

    /// <summary>The fixed names and this model's tensor views with their Offset and Length constants.</summary>
    public static HashSet<string> Names(ModelSpec spec)
    {
        var names = new HashSet<string>(s_fixed, StringComparer.Ordinal);
        foreach (TensorLayout tensor in new ModelLayout(spec).Tensors)
        {
            names.Add(tensor.PropertyName);
            names.Add(tensor.PropertyName + "Offset");
            names.Add(tensor.PropertyName + "Length");
        }

        return names;
    }

    public static bool IsGenerated(string name, HashSet<string> names) => names.Contains(name) || s_numbered.IsMatch(name);
}
