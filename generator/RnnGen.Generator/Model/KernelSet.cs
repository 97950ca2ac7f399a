using RnnGen.Generator.Helpers;

namespace RnnGen.Generator.Model;

/// <summary>
/// The matrix kernels a compilation needs: the column counts of every model's products (<c>MatMul{N}</c>) and of its
/// weight-gradient products (<c>AddTransposedProduct{N}</c>). Kernels depend on the column count only, so models that
/// share a width share its kernel, emitted once per compilation.
/// </summary>
internal sealed record KernelSet(EquatableArray<int> Widths, EquatableArray<int> TransposedWidths)
{
    public static KernelSet Of(ModelSpec spec)
    {
        var layout = new ModelLayout(spec);
        return new KernelSet(layout.KernelWidths.ToEquatableArray(), layout.TransposedKernelWidths.ToEquatableArray());
    }

    /// <summary>The union of several models' kernels, each width once, in ascending order.</summary>
    public static KernelSet Union(IEnumerable<KernelSet> sets)
    {
        var widths = new SortedSet<int>();
        var transposed = new SortedSet<int>();
        foreach (KernelSet set in sets)
        {
            widths.UnionWith(set.Widths);
            transposed.UnionWith(set.TransposedWidths);
        }

        return new KernelSet(widths.ToList().ToEquatableArray(), transposed.ToList().ToEquatableArray());
    }
}
