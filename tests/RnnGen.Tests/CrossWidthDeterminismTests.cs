using System.Runtime.InteropServices;
using System.Security.Cryptography;
using RnnGen.Optimizers;

namespace RnnGen.Tests;

/// <summary>
/// One seed, one model, on every machine. Each case trains a small model for a few steps on two threads and hashes
/// (SHA-256) the losses, the weights and the probabilities it then predicts; the hash must equal the committed value
/// whatever vector width and FMA support the process runs with. test.sh reruns this class with AVX-512, AVX2 and all
/// hardware intrinsics disabled in turn (the Vector256, Vector128 with and without FMA, and scalar paths), and the
/// NativeAOT tests compare a published binary with the JIT, so one committed value covers every path. How the code
/// keeps the bits equal: docs/determinism.md. A failure names the path it ran on; a change that alters the math on
/// every path alike (a new kernel order, a new initializer) changes all hashes, and the new ones are committed with it.
/// </summary>
public class CrossWidthDeterminismTests
{
    // Committed from a run on the Vector512 path (AMD EPYC Zen 5) and checked there on every narrower path.
    [Theory]
    [InlineData(nameof(OddShapes), "adam", "b29a2b45ec3357df4fd8217ba1c768900260548cb933878c7ee5c6aa81ce6de5")]
    [InlineData(nameof(S1Relu), "sgd-nesterov", "9a7670d39bb0bb4a73effa1682e721523fe89a88a833c83cf2a9b54a9f906a3c")]
    [InlineData(nameof(Unrolled), "rmsprop", "5971135ab33dd67f88c1fd42ab79b29d303ab7d514d66060142d15c5ee60aeb9")]
    [InlineData(nameof(S2Lstm), "adam", "532ef8165a5bf5b6738cfa792ab0b818b4a49af472927b4bcc0e028ecbf9d8e4")]
    [InlineData(nameof(LstmHardOdd), "rmsprop", "88375311e0607feee13d4964143118b5ebeaa89f160e23955483480bf64aa96b")]
    [InlineData(nameof(S1GruAfter), "adam", "367fa589ab431fdb21871be728c0b7914210621a6ffe3e69220f8657530c671b")]
    [InlineData(nameof(S2GruBefore), "sgd", "247d0944c0e2c39ee6fc6a51ec17fa09dacde597ffcd2d6e169050a6d98b8f05")]
    [InlineData(nameof(GruBeforeSingleStep), "adam", "133338ca2fa6a165d9c1518188268805dc6fd7c0c4ef0b356e1537c13fd9f35d")]
    [InlineData(nameof(RnnDropout), "adam", "6913e9aabe464bf39e8d4c44f78c1eb09c96033a62357e48eef3e6ff63557b1d")]
    [InlineData(nameof(LstmDropout), "rmsprop", "ad626413e29e3d5a8b467df6d74efded4fec77dd3bec51fe5593297d0cfa39e0")]
    [InlineData(nameof(GruDropout), "adam", "e5acabc5521a7243a7d3fcacbeaba281d70e3a4e9bc8f7b23be0d2fb0c3e5963")]
    [InlineData(nameof(GruBeforeDropout), "adam", "ecc5fabd21957e41a3d25397dadca8269c3136fe3eb42cec9bc51872237ae121")]
    [InlineData(nameof(LoopedPanels), "rmsprop", "bd4d84f011b4a9bb90b2ff9ae6280050be4f1358739b811ccd33a6d79fd1e05b")]
    [InlineData(nameof(WidePanels), "adam", "fd3c9487e3b3832e014c6ae51e7be1a8308a4c37a3aa655b218f6210d4ecedf3")]
    [InlineData(nameof(ChunkedLstmDropout), "adam", "24a0f90d9db47c6b5443740a67984c1485e67bf19e63538fe176dadb2ad404bf")]
    [InlineData(nameof(ChunkedGruBeforeDropout), "rmsprop", "0dd3a6a2d51d201da25844cf54170b1c5aa32bceb70e32565b01e09f6078c250")]
    [InlineData(nameof(ChunkedMaskedGru), "adam", "5850cafca9628e930dba194decab5b10d109dd1a980d2c678cf809f45d15748a")]
    public void TrainingAndPredictionGiveTheCommittedBitsOnEveryVectorWidth(string model, string optimizer, string expected)
    {
        string actual = Fingerprint(model, optimizer);
        Assert.True(
            expected == actual,
            $"{model} with {optimizer} on the {RnnGen.Kernels.KernelPath.Describe()} path: hash {actual}, committed {expected}");
    }

    /// <summary>SHA-256 of the per-step losses, the trained weights and the predicted probabilities, as lowercase hex.</summary>
    private static string Fingerprint(string name, string optimizerName)
    {
        IRnnModel model = Create(name, seed: 12);
        model.Threads = 2;
        Optimizer optimizer = optimizerName switch
        {
            "adam" => new Adam(learningRate: 1e-2f),
            "rmsprop" => new RmsProp(learningRate: 1e-2f),
            "sgd" => new Sgd(learningRate: 0.1f),
            _ => new Sgd(learningRate: 0.05f, momentum: 0.9f, nesterov: true),
        };
        ModelDescription description = model.Description;
        var losses = new float[5];
        for (int step = 0; step < losses.Length; step++)
        {
            // Batches of 37 and 38 rows: shards of uneven size, and row counts that are no multiple of any row block.
            (int[] tokens, float[] labels) = TestData.RandomBatch(100 + step, description.Vocab, description.SeqLen, 37 + (step % 2));
            losses[step] = model.TrainStep(tokens, labels, optimizer);
        }

        (int[] testTokens, _) = TestData.RandomBatch(7, description.Vocab, description.SeqLen, 29);
        float[] probabilities = model.Predict(testTokens);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(MemoryMarshal.AsBytes(losses.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(model.Parameters));
        hash.AppendData(MemoryMarshal.AsBytes(probabilities.AsSpan()));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static IRnnModel Create(string name, int seed) => name switch
    {
        nameof(OddShapes) => new OddShapes(seed),
        nameof(S1Relu) => new S1Relu(seed),
        nameof(Unrolled) => new Unrolled(seed),
        nameof(S2Lstm) => new S2Lstm(seed),
        nameof(LstmHardOdd) => new LstmHardOdd(seed),
        nameof(S1GruAfter) => new S1GruAfter(seed),
        nameof(S2GruBefore) => new S2GruBefore(seed),
        nameof(GruBeforeSingleStep) => new GruBeforeSingleStep(seed),
        nameof(RnnDropout) => new RnnDropout(seed),
        nameof(LstmDropout) => new LstmDropout(seed),
        nameof(GruDropout) => new GruDropout(seed),
        nameof(GruBeforeDropout) => new GruBeforeDropout(seed),
        nameof(WidePanels) => new WidePanels(seed),
        nameof(LoopedPanels) => new LoopedPanels(seed),
        nameof(ChunkedLstmDropout) => new ChunkedLstmDropout(seed),
        nameof(ChunkedGruBeforeDropout) => new ChunkedGruBeforeDropout(seed),
        nameof(ChunkedMaskedGru) => new ChunkedMaskedGru(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such test model"),
    };
}
