using RnnGen.Data;
using RnnGen.Initialization;

namespace RnnGen.Training.Tests;

/// <summary>Small synthetic data, clocks and streams for the training tests.</summary>
internal static class TestData
{
    /// <summary>
    /// Sequences of 6 ids in [0, 20): ids 2..9 are "positive" words and 10..19 "negative"; the label is 1 when positive
    /// words outnumber negative ones. A bag-of-embeddings model can learn it.
    /// </summary>
    public static SequenceDataset Sentiment(int count, long seed = 11, int seqLen = 6, int vocab = 20)
    {
        var random = new RnnRandom(seed);
        int[] tokens = new int[count * seqLen];
        float[] labels = new float[count];
        for (int i = 0; i < count; i++)
        {
            int score = 0;
            for (int t = 0; t < seqLen; t++)
            {
                int id = random.NextInt32(vocab);
                tokens[(i * seqLen) + t] = id;
                score += id is >= 2 and <= 9 ? 1 : id >= 10 ? -1 : 0;
            }

            labels[i] = score > 0 ? 1 : 0;
        }

        return new SequenceDataset(tokens, labels, seqLen);
    }

    public static string TempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "rnngen-training-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}

/// <summary>A clock that moves only when told to.</summary>
internal sealed class ManualTime : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    public void Advance(double seconds) => _ticks += (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    public void Set(double seconds) => _ticks = (long)Math.Round(seconds * TimeSpan.TicksPerSecond);
}

/// <summary>A clock that advances a fixed step every time it is read, so that a whole Fit run has deterministic times.</summary>
internal sealed class SteppingTime(double secondsPerRead) : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks += (long)Math.Round(secondsPerRead * TimeSpan.TicksPerSecond);
}

/// <summary>Passes writes through until <paramref name="failAfter"/> bytes, then throws, as a disk failing mid-save would.</summary>
internal sealed class FailingStream(Stream inner, long failAfter) : Stream
{
    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long room = failAfter - _written;
        if (buffer.Length > room)
        {
            inner.Write(buffer[..(int)Math.Max(room, 0)]);
            inner.Flush();
            throw new IOException("Simulated failure halfway through the save.");
        }

        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
