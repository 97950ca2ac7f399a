using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RnnGen;
using RnnGen.Data;
using RnnGen.Onnx;

namespace RnnGen.IntegrationTests;

/// <summary>An exported model run in ONNX Runtime beside RnnGen's own <c>Predict</c> on the same rows.</summary>
internal static class OnnxRuntimeCheck
{
    /// <summary>The largest |p_RnnGen − p_ONNX Runtime| over every probability of every row of <paramref name="data"/>.</summary>
    public static float WorstDifference(string onnxPath, IRnnModel model, SequenceDataset data, int batchSize = 500)
    {
        using var session = new InferenceSession(onnxPath);
        int seqLen = data.SeqLen;
        int outputs = model.Description.Classes;
        float worst = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            ReadOnlySpan<int> tokens = data.Tokens.AsSpan(start * seqLen, count * seqLen);
            float[] expected = new float[count * outputs];
            model.Predict(tokens, expected);

            long[] ids = new long[tokens.Length];
            for (int i = 0; i < ids.Length; i++)
            {
                ids[i] = tokens[i];
            }

            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results =
                session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.TokensInput, new DenseTensor<long>(ids, [count, seqLen]))]);
            float[] actual = results.Single(r => r.Name == OnnxExport.ProbabilitiesOutput).AsEnumerable<float>().ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
            }
        }

        return worst;
    }
}
