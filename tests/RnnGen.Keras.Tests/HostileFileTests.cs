using RnnGen.Tests;

namespace RnnGen.Keras.Tests;

/// <summary>
/// The HDF5 reader against hostile bytes: every corruption of a real Keras file (bytes flipped at random, runs of
/// 0xFF where addresses and sizes live, the file cut anywhere) either loads (a flipped weight is still a float) or
/// is a <see cref="KerasFileException"/> naming the file; never another exception, a hang or an allocation the file
/// merely claims, and a failed load leaves the model as it was.
/// </summary>
public sealed class HostileFileTests
{
    [Theory]
    [InlineData("lstm_S1", ".weights.h5")]
    [InlineData("gru_reset_before_S2", ".h5")]
    [InlineData("simple_rnn_tanh_S1", ".keras")]
    public void CorruptedFilesLoadOrFailWithAKerasFileException(string name, string extension)
    {
        byte[] original = File.ReadAllBytes(KerasFixtureTests.KerasPath(name, extension));
        using var temp = new TempFolder();
        string path = Path.Combine(temp.Path, "corrupt" + extension);
        var random = new Random(name.Length * 31 + extension.Length);
        int loaded = 0, refused = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            switch (trial % 4)
            {
                case 0:
                    for (int flips = random.Next(1, 8); flips > 0; flips--)
                    {
                        bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 1:
                    // Addresses and sizes: 8 bytes of 0xFF (the undefined address, or an enormous length) in the
                    // structural part of the file, before the first weights.
                    bytes.AsSpan(random.Next(Math.Min(bytes.Length - 8, 4096)), 8).Fill(0xFF);
                    break;
                case 2:
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                default:
                    bytes.AsSpan(random.Next(Math.Min(bytes.Length - 4, 4096)), 4).Fill((byte)random.Next(256));
                    break;
            }

            File.WriteAllBytes(path, bytes);
            IRnnModel model = name switch
            {
                "lstm_S1" => new LstmS1(seed: 1),
                "gru_reset_before_S2" => new GruResetBeforeS2(seed: 1),
                _ => new SimpleRnnS1(seed: 1),
            };
            float[] before = model.Parameters.ToArray();
            try
            {
                model.LoadKeras(path);
                loaded++;
            }
            catch (KerasFileException e)
            {
                Assert.Contains(path, e.Message, StringComparison.Ordinal);
                Assert.True(before.AsSpan().SequenceEqual(model.Parameters), $"trial {trial}: a failed load changed the model");
                refused++;
            }
        }

        Assert.True(refused > 0 && loaded + refused == 400, $"{loaded} loaded, {refused} refused");
    }
}
