using RnnGen.Generator.Helpers;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Emits the register-blocked matrix kernels <c>MatMul{N}</c>, one per distinct column count N of the model's products.
/// Each computes <c>c[i, 0..N) = init[i, 0..N) + Σ_s a(i, s)·b[s, 0..N)</c>, where a(i, s) is read through two strides so
/// that one kernel serves both <c>X·W</c> (row stride d, step stride 1) and <c>Xᵀ·dA</c> (row stride 1, step stride d).
/// A row of N columns is held in registers as a list of tiles (Vector512, Vector256 or Vector128, widest first;
/// a last partial tile overlaps its neighbour, which is safe because every tile of a row block loads its init values
/// before any tile stores). Several rows share each loaded row of b. One variant per vector width forms the fallback
/// chain; the scalar reference in the runtime uses the same fused multiply-adds in the same order, so all agree bit for bit.
/// </summary>
internal static class KernelEmitter
{
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    private const string Parameters = "int rows, int steps, ref float a, nint aRowStride, nint aStepStride, ref float b, nint bRowStride, ref float init, nint initRowStride, ref float c, nint cRowStride";
    private const string Arguments = "rows, steps, ref a, aRowStride, aStepStride, ref b, bRowStride, ref init, initRowStride, ref c, cRowStride";
    private const int MaxRowsPerBlock = 6;

    /// <summary>
    /// From this many identical full panels on, the panels are one loop over the columns instead of code per panel, so
    /// that a kernel's code stays the same size however wide its rows are (Units = 10,000 emitted 53.6 MB before). Below,
    /// the panels stay unrolled as they were measured; both give the same bits, since each element sums in step order.
    /// </summary>
    public const int LoopedPanelsFrom = 8;

    /// <summary>
    /// Rows of b per call of the blocked transposed product, for rows of <paramref name="columns"/> floats: as many as fit
    /// in <see cref="StepBlockFloats"/> (16 to 256 rows), so every block of rows of c re-reads its block of b from L1 (32 KB on
    /// Zen 3, 48 KB on Zen 5). With 256 rows of C's 128 gate columns (128 KB) each of dU's and dW's 11 row blocks re-read b
    /// from L2, and the pass ran 9-13% slower on Zen 5. The block size does not change a bit: each block adds its steps to
    /// the partial sums in c in order.
    /// </summary>
    public static int StepBlock(int columns) => Math.Min(256, Math.Max(16, StepBlockFloats / columns));

    /// <summary>The floats of b a transposed-product block aims at: 24 KB.</summary>
    private const int StepBlockFloats = 6144;

    public static string KernelName(int columns) => $"MatMul{columns}";

    public static string TransposedKernelName(int columns) => $"AddTransposedProduct{columns}";

    /// <summary>
    /// Emits <c>AddTransposedProduct{N}</c>: <c>c[i, 0..N) += Σ_s a[s·aStepStride + i]·b[s, 0..N)</c> (c += aᵀ·b, the weight
    /// gradients), over the steps in blocks of <see cref="StepBlock"/> so each block of b is reused from cache by every row.
    /// </summary>
    public static void EmitTransposed(SourceWriter writer, int columns)
    {
        int block = StepBlock(columns);
        writer.WriteLine($"/// <summary><c>c[i, 0..{columns}) += Σ_s a[s·aStepStride + i]·b[s·bRowStride, 0..{columns})</c> for i &lt; rows: c += aᵀ·b, in blocks of {block} steps ({block * columns * sizeof(float) / 1024} KB of b).</summary>");
        using (writer.WriteBlock($"internal static void {TransposedKernelName(columns)}(int rows, int steps, ref float a, nint aStepStride, ref float b, nint bRowStride, ref float c, nint cRowStride)"))
        {
            using (writer.WriteBlock($"for (int first = 0; first < steps; first += {block})"))
            {
                writer.WriteLine($"int count = global::System.Math.Min({block}, steps - first);");
                writer.WriteLine($"{KernelName(columns)}(rows, count, ref {Unsafe}.Add(ref a, first * aStepStride), 1, aStepStride, ref {Unsafe}.Add(ref b, first * bRowStride), bRowStride, ref c, cRowStride, ref c, cRowStride);");
            }
        }
    }

    public static void Emit(SourceWriter writer, int columns)
    {
        // A variant per vector width that fits in a row; on x64 and Arm64 a wider accelerated vector implies the narrower ones.
        int[] variantWidths = new[] { 16, 8, 4 }.Where(width => width <= columns).ToArray();
        writer.WriteLine($"/// <summary>");
        writer.WriteLine($"/// <c>c[i·cRowStride + 0..{columns}) = init[i·initRowStride + 0..{columns}) + Σ_s a[i·aRowStride + s·aStepStride]·b[s·bRowStride + 0..{columns})</c>");
        writer.WriteLine($"/// for i &lt; rows, s &lt; steps. The strides let a product read or write a column block of a fused gate matrix.");
        writer.WriteLine($"/// init may be c itself (accumulate) or one row reused by every row (stride 0: a bias or zeros).");
        writer.WriteLine($"/// </summary>");
        using (writer.WriteBlock($"internal static void {KernelName(columns)}({Parameters})"))
        {
            string prefix = "if";
            foreach (int width in variantWidths)
            {
                writer.WriteLine($"{prefix} ({VectorClass(width)}.IsHardwareAccelerated)");
                using (writer.WriteBlock())
                {
                    writer.WriteLine($"{VariantName(columns, width)}({Arguments});");
                }

                prefix = "else if";
            }

            if (variantWidths.Length > 0)
            {
                writer.WriteLine("else");
                using (writer.WriteBlock())
                {
                    writer.WriteLine($"global::RnnGen.Kernels.ReferenceKernels.MatMul({columns}, {Arguments});");
                }
            }
            else
            {
                writer.WriteLine($"// {columns} columns are narrower than one Vector128: the scalar loop is the kernel.");
                writer.WriteLine($"global::RnnGen.Kernels.ReferenceKernels.MatMul({columns}, {Arguments});");
            }
        }

        foreach (int width in variantWidths)
        {
            writer.WriteLine();
            EmitVariant(writer, columns, width);
        }
    }

    private static void EmitVariant(SourceWriter writer, int columns, int maxWidth)
    {
        List<Tile> tiles = PlanTiles(columns, maxWidth);

        // Register blocking as in BLIS' microkernels: a panel of P column tiles times R rows of accumulators, plus P loaded
        // tiles of b and one broadcast of a. With 16 vector registers (AVX2, SSE) that is 6 rows × 2 tiles = 12 + 2 + 1;
        // with 32 (AVX-512) 6 rows × 4 tiles = 24 + 4 + 1. Each loaded b tile then feeds R fused multiply-adds.
        int budget = maxWidth == 16 ? 24 : 12;
        List<List<Tile>> panels = SplitPanels(tiles, maxWidth == 16 ? 4 : 2);
        writer.WriteLine($"// {columns} columns as {Describe(tiles)}{(panels.Count > 1 ? $", in {panels.Count} panels" : string.Empty)}.");
        using (writer.WriteBlock($"internal static void {VariantName(columns, maxWidth)}({Parameters})"))
        {
            // Row blocks outside, panels inside: a block's rows of a are read from memory once and stay in L1 for every
            // panel, and each row of c is finished while it is in cache (panels outside re-read all of a per panel).
            int rowsPerBlock = Math.Max(1, Math.Min(MaxRowsPerBlock, budget / panels.Max(static panel => panel.Count)));
            writer.WriteLine("int i = 0;");
            using (writer.WriteBlock($"for (; i <= rows - {rowsPerBlock}; i += {rowsPerBlock})"))
            {
                EmitRowBlock(writer, panels, rowsPerBlock);
            }

            if (rowsPerBlock > 1)
            {
                // The last rows % R rows as one block of their own size, so that they too share each loaded tile of b.
                using (writer.WriteBlock("switch (rows - i)"))
                {
                    for (int remainder = rowsPerBlock - 1; remainder >= 1; remainder--)
                    {
                        writer.WriteLine($"case {remainder}:");
                        using (writer.WriteBlock())
                        {
                            EmitRowBlock(writer, panels, remainder);
                            writer.WriteLine("break;");
                        }
                    }
                }
            }
        }
    }

    private static void EmitRowBlock(SourceWriter writer, List<List<Tile>> panels, int rowCount)
    {
        for (int r = 0; r < rowCount; r++)
        {
            writer.WriteLine(r == 0
                ? $"ref float a0 = ref {Unsafe}.Add(ref a, i * aRowStride);"
                : $"ref float a{r} = ref {Unsafe}.Add(ref a{r - 1}, aRowStride);");
        }

        for (int r = 0; r < rowCount; r++)
        {
            writer.WriteLine(r == 0
                ? $"ref float init0 = ref {Unsafe}.Add(ref init, i * initRowStride);"
                : $"ref float init{r} = ref {Unsafe}.Add(ref init{r - 1}, initRowStride);");
        }

        for (int r = 0; r < rowCount; r++)
        {
            writer.WriteLine(r == 0
                ? $"ref float c0 = ref {Unsafe}.Add(ref c, i * cRowStride);"
                : $"ref float c{r} = ref {Unsafe}.Add(ref c{r - 1}, cRowStride);");
        }

        int looped = LoopedPanelCount(panels);
        if (looped > 0)
        {
            List<Tile> first = panels[0];
            int panelWidth = first.Sum(static t => t.Width);
            writer.WriteLine($"// Columns [0, {looped * panelWidth}) as {looped} panels of {panelWidth}, one loop; the rest below.");
            using (writer.WriteBlock($"for (nuint p = 0; p < {looped * panelWidth}; p += {panelWidth})"))
            {
                EmitPanel(writer, first, rowCount, columnBase: "p");
            }
        }

        foreach (List<Tile> panel in panels.Skip(looped))
        {
            if (panels.Count > 1)
            {
                writer.WriteLine($"// Columns [{panel[0].Column}, {panel[panel.Count - 1].Column + panel[panel.Count - 1].Width}).");
            }

            using (writer.WriteBlock())
            {
                EmitPanel(writer, panel, rowCount, columnBase: null);
            }
        }
    }

    /// <summary>How many leading panels are full and alike (all tiles of the first panel's widths, back to back), when there are enough to loop over.</summary>
    private static int LoopedPanelCount(List<List<Tile>> panels)
    {
        List<Tile> first = panels[0];
        int width = first.Sum(static t => t.Width);
        int count = 0;
        while (count < panels.Count
            && panels[count].Count == first.Count
            && panels[count][0].Column == count * width
            && panels[count].Select(static t => t.Width).SequenceEqual(first.Select(static t => t.Width))
            && panels[count].Zip(first, (tile, model) => tile.Column - model.Column == count * width).All(static same => same))
        {
            count++;
        }

        return count >= LoopedPanelsFrom ? count : 0;
    }

    /// <summary>One panel; with <paramref name="columnBase"/> (a loop variable) its tiles' columns are relative to it.</summary>
    private static void EmitPanel(SourceWriter writer, List<Tile> tiles, int rowCount, string? columnBase)
    {
        string Column(Tile tile) => columnBase is null ? $"{tile.Column}" : tile.Column == 0 ? columnBase : $"{columnBase} + {tile.Column}";

        for (int r = 0; r < rowCount; r++)
        {
            for (int k = 0; k < tiles.Count; k++)
            {
                Tile tile = tiles[k];
                writer.WriteLine($"{VectorType(tile.Width)} acc{r}_{k} = {VectorClass(tile.Width)}.LoadUnsafe(ref init{r}, {Column(tile)});");
            }
        }

        using (writer.WriteBlock("for (int s = 0; s < steps; s++)"))
        {
            writer.WriteLine("nint aOffset = s * aStepStride;");
            writer.WriteLine($"ref float bRow = ref {Unsafe}.Add(ref b, s * bRowStride);");
            for (int k = 0; k < tiles.Count; k++)
            {
                Tile tile = tiles[k];
                writer.WriteLine($"{VectorType(tile.Width)} b{k} = {VectorClass(tile.Width)}.LoadUnsafe(ref bRow, {Column(tile)});");
            }

            var widths = tiles.Select(static t => t.Width).Distinct().ToList();
            for (int r = 0; r < rowCount; r++)
            {
                writer.WriteLine($"float x{r} = {Unsafe}.Add(ref a{r}, aOffset);");
                foreach (int width in widths)
                {
                    writer.WriteLine($"{VectorType(width)} x{r}w{width} = {VectorClass(width)}.Create(x{r});");
                }

                for (int k = 0; k < tiles.Count; k++)
                {
                    Tile tile = tiles[k];
                    writer.WriteLine($"acc{r}_{k} = {VectorClass(tile.Width)}.FusedMultiplyAdd(x{r}w{tile.Width}, b{k}, acc{r}_{k});");
                }
            }
        }

        for (int r = 0; r < rowCount; r++)
        {
            for (int k = 0; k < tiles.Count; k++)
            {
                Tile tile = tiles[k];
                writer.WriteLine($"{VectorClass(tile.Width)}.StoreUnsafe(acc{r}_{k}, ref c{r}, {Column(tile)});");
            }
        }
    }

    /// <summary>Covers [0, columns ≥ 4) with the widest tiles first; a remainder narrower than 4 gets one overlapping Vector128.</summary>
    private static List<Tile> PlanTiles(int columns, int maxWidth)
    {
        var tiles = new List<Tile>();
        int column = 0;
        while (columns - column >= 4)
        {
            int width = maxWidth;
            while (width > columns - column)
            {
                width /= 2;
            }

            tiles.Add(new Tile(column, width));
            column += width;
        }

        if (column < columns)
        {
            tiles.Add(new Tile(columns - 4, 4));
        }

        return tiles;
    }

    /// <summary>Splits tiles into panels of <paramref name="panelTiles"/>, keeping an overlapping last tile with its neighbour.</summary>
    private static List<List<Tile>> SplitPanels(List<Tile> tiles, int panelTiles)
    {
        var panels = new List<List<Tile>>();
        for (int start = 0; start < tiles.Count; start += panelTiles)
        {
            panels.Add(tiles.Skip(start).Take(panelTiles).ToList());
        }

        if (panels.Count > 1)
        {
            List<Tile> last = panels[panels.Count - 1];
            List<Tile> previous = panels[panels.Count - 2];
            Tile previousEnd = previous[previous.Count - 1];
            if (last[0].Column < previousEnd.Column + previousEnd.Width)
            {
                previous.RemoveAt(previous.Count - 1);
                last.Insert(0, previousEnd);
            }
        }

        return panels;
    }

    private static string Describe(List<Tile> tiles) =>
        string.Join(" + ", tiles.GroupBy(static t => t.Width).Select(static g => $"{g.Count()} × Vector{g.Key * 32}"));

    private static string VariantName(int columns, int width) => $"{KernelName(columns)}Vector{width * 32}";

    private static string VectorClass(int width) => $"global::System.Runtime.Intrinsics.Vector{width * 32}";

    private static string VectorType(int width) => $"global::System.Runtime.Intrinsics.Vector{width * 32}<float>";

    private sealed record Tile(int Column, int Width);
}
