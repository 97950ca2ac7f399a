using RnnGen.Generator.Helpers;

namespace RnnGen.Generator.Model;

/// <summary>
/// The matrix kernels a compilation needs: the column counts of every model's products (<c>MatMul{N}</c>) and of its
/// weight-gradient products (<c>AddTransposedProduct{N}</c>). Kernels depend on the column count only, so models that
/// share a width share its kernel, emitted once per compilation.
/// </summary>
internal sealed record KernelSet(string ClassName, EquatableArray<int> Widths, EquatableArray<int> TransposedWidths)
{
    /// <summary>The union of several models' kernels, each width once, in ascending order.</summary>
    public static KernelSet Union(IEnumerable<KernelSet> sets)
    {
        var widths = new SortedSet<int>();
        var transposed = new SortedSet<int>();
        string className = string.Empty; // every model of a compilation names the same class
        foreach (KernelSet set in sets)
        {
            className = set.ClassName;
            widths.UnionWith(set.Widths);
            transposed.UnionWith(set.TransposedWidths);
        }

        return new KernelSet(className, widths.ToList().ToEquatableArray(), transposed.ToList().ToEquatableArray());
    }
}
