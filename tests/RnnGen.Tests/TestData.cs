using RnnGen.Initialization;

namespace RnnGen.Tests;

/// <summary>Random batches and weights for the numerical tests, from a fixed seed.</summary>
internal static class TestData
{
    public static (int[] Tokens, float[] Labels) RandomBatch(int seed, int vocab, int seqLen, int batch, int classes = 1)
    {
        var random = new RnnRandom(seed);
        var tokens = new int[batch * seqLen];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = random.NextInt32(vocab);
        }

        var labels = new float[batch];
        for (int i = 0; i < batch; i++)
        {
            labels[i] = i % (classes == 1 ? 2 : classes); // 0/1 for the sigmoid head, every class id for softmax
        }

        return (tokens, labels);
    }

    /// <summary>Replaces every weight with uniform(−scale, scale), so biases and all paths are exercised.</summary>
    public static void RandomizeWeights(IRnnModel model, int seed, float scale = 0.5f)
    {
        var random = new RnnRandom(seed);
        Span<float> parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        }
    }

    /// <summary>Walks up from the test binaries to the repository's sibling <c>shared/</c> folder (or RNNGEN_SHARED).</summary>
    public static string SharedFolder()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("RNNGEN_SHARED");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate))
            {
                return Path.Combine(directory.FullName, "shared");
            }
        }

        throw new DirectoryNotFoundException(
            $"The shared folder (fixtures, data) was not found above {AppContext.BaseDirectory}; clone the repository beside it or set RNNGEN_SHARED.");
    }
}

/// <summary>A fresh folder under the temporary directory, deleted with everything in it on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("rnngen-tests-").FullName;

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
