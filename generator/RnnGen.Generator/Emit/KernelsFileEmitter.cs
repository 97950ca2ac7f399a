using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>Emits the kernels file: one <c>MatMul{N}</c> per distinct column count, and the buffer-reference helper.</summary>
internal static class KernelsFileEmitter
{
    public static void Emit(SourceWriter writer, ModelLayout layout)
    {
        writer.WriteLine("/// <summary>A reference to <paramref name=\"array\"/>[<paramref name=\"offset\"/>] for the kernels; callers keep offsets in bounds.</summary>");
        writer.WriteLine("private static ref float At(float[] array, nint offset) =>");
        writer.WriteLine("    ref global::System.Runtime.CompilerServices.Unsafe.Add(ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array), offset);");
        foreach (int columns in layout.TransposedKernelWidths)
        {
            writer.WriteLine();
            KernelEmitter.EmitTransposed(writer, columns);
        }

        foreach (int columns in layout.KernelWidths)
        {
            writer.WriteLine();
            KernelEmitter.Emit(writer, columns);
        }
    }
}
