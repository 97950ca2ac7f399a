// The safetensors container (the format of Hugging Face's `safetensors` package, which PyTorch and most ML tools read):
//   [8 bytes: N, little-endian u64] [N bytes: UTF-8 JSON header, padded with spaces] [data]
// The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end)} (offsets relative to the start
// of the data) and may hold "__metadata__", a string-to-string map. The reader enforces the rules the reference
// implementation enforces, so a file this code accepts loads there too: the tensors tile the data exactly, without
// gaps or overlaps, and the data ends where the file ends.
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RnnGen.Checkpoints;

/// <summary>One tensor entry of a safetensors header.</summary>
/// <param name="Name">The tensor name.</param>
/// <param name="DType">The element type, such as <c>F32</c>.</param>
/// <param name="Shape">The dimensions (empty for a scalar).</param>
/// <param name="Begin">The first byte, relative to the start of the data.</param>
/// <param name="End">One past the last byte.</param>
public sealed record SafeTensorInfo(string Name, string DType, int[] Shape, long Begin, long End)
{
    /// <summary>The number of elements (checked: a hostile shape throws <see cref="OverflowException"/>).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (int dimension in Shape)
            {
                count = checked(count * dimension);
            }

            return count;
        }
    }

    /// <summary>The shape as Python prints a tuple: <c>(100, 64)</c>, <c>(64,)</c>.</summary>
    public string ShapeText => ShapeToText(Shape);

    /// <summary>Python's tuple form of a shape.</summary>
    public static string ShapeToText(IReadOnlyList<int> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
}

/// <summary>A parsed and validated safetensors header.</summary>
public sealed class SafeTensorsHeader
{
    private readonly Dictionary<string, SafeTensorInfo> _byName;

    internal SafeTensorsHeader(IReadOnlyList<SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata, long dataStart)
    {
        Tensors = tensors;
        Metadata = metadata;
        DataStart = dataStart;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The tensors, in the order of their data.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map (empty if the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The file offset of the data: 8 + the header length.</summary>
    public long DataStart { get; }

    /// <summary>Finds a tensor by name.</summary>
    public SafeTensorInfo? Find(string name) => _byName.GetValueOrDefault(name);
}

/// <summary>Reads and writes the safetensors format for 32-bit float tensors.</summary>
public static class SafeTensors
{
    /// <summary>The dtype name of IEEE 754 single precision.</summary>
    public const string F32 = "F32";

    /// <summary>The largest header the reference implementation accepts (100 MB).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Assigns back-to-back F32 data offsets to tensors given by name and shape, in order.</summary>
    public static SafeTensorInfo[] Layout(IEnumerable<(string Name, int[] Shape)> tensors)
    {
        var layout = new List<SafeTensorInfo>();
        long offset = 0;
        foreach ((string name, int[] shape) in tensors)
        {
            var info = new SafeTensorInfo(name, F32, shape, offset, offset);
            long end = offset + (info.ElementCount * sizeof(float));
            layout.Add(info with { End = end });
            offset = end;
        }

        return [.. layout];
    }

    /// <summary>
    /// Writes the 8-byte length and the JSON header: <c>__metadata__</c> first, then the tensors in order, padded with
    /// spaces so that the data starts at a multiple of 8 bytes (aligned for every dtype).
    /// </summary>
    public static void WriteHeader(Stream stream, IReadOnlyList<SafeTensorInfo> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new ArrayBufferWriter<byte>(1024);
        // The default encoder escapes '+', '<', '&' and non-ASCII for HTML embedding; nothing here goes into HTML.
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject("__metadata__");
                foreach ((string key, string value) in metadata)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            foreach (SafeTensorInfo tensor in tensors)
            {
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", tensor.DType);
                writer.WriteStartArray("shape");
                foreach (int dimension in tensor.Shape)
                {
                    writer.WriteNumberValue(dimension);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(tensor.Begin);
                writer.WriteNumberValue(tensor.End);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        int padded = (json.WrittenCount + 7) & ~7;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(json.WrittenSpan);
        for (int i = json.WrittenCount; i < padded; i++)
        {
            stream.WriteByte((byte)' ');
        }
    }

    /// <summary>Writes F32 values little-endian.</summary>
    public static void WriteData(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        Span<byte> chunk = stackalloc byte[4096];
        while (!values.IsEmpty)
        {
            int count = Math.Min(values.Length, chunk.Length / sizeof(float));
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(chunk[(i * sizeof(float))..], values[i]);
            }

            stream.Write(chunk[..(count * sizeof(float))]);
            values = values[count..];
        }
    }

    /// <summary>
    /// Reads and validates the header of a seekable stream: the length field, the JSON, every entry's dtype, shape and
    /// offsets, and that the tensors tile the data section exactly up to the end of the stream.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream is not a valid safetensors file; the message names <paramref name="fileName"/>.</exception>
    public static SafeTensorsHeader ReadHeader(Stream stream, string fileName)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw Invalid(fileName, $"it is {fileLength} bytes long, too short for the 8-byte header length; the file is truncated or empty");
        }

        Span<byte> lengthBytes = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderLength)
        {
            throw Invalid(fileName, $"its header length field says {headerLength} bytes, more than the {MaxHeaderLength} safetensors allows; the file is corrupt or not a safetensors file");
        }

        if (headerLength < 2 || (long)headerLength > fileLength - 8)
        {
            throw Invalid(fileName, $"its header length field says {headerLength} bytes, but {fileLength - 8} bytes follow it; the file is truncated or not a safetensors file");
        }

        byte[] header = new byte[headerLength];
        stream.ReadExactly(header);
        if (header[0] != (byte)'{')
        {
            throw Invalid(fileName, "its header does not start with '{'; the file is corrupt or not a safetensors file");
        }

        // The format requires UTF-8; System.Text.Json would only notice invalid bytes when a name or value is read.
        if (!System.Text.Unicode.Utf8.IsValid(header))
        {
            throw Invalid(fileName, $"its header is not valid UTF-8 (at byte {FirstInvalidUtf8(header)} of the header); the file is corrupt");
        }

        long dataLength = fileLength - 8 - (long)headerLength;
        var tensors = new List<SafeTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using JsonDocument document = JsonDocument.Parse(header);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(fileName, "its header is not a JSON object");
            }

            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw Invalid(fileName, $"its header names '{property.Name}' twice");
                }

                if (property.Name == "__metadata__")
                {
                    ReadMetadata(property.Value, metadata, fileName);
                }
                else
                {
                    tensors.Add(ReadEntry(property, dataLength, fileName));
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{fileName}' is not a valid safetensors file: its header is not valid JSON ({e.Message}).", e);
        }

        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long covered = 0;
        SafeTensorInfo? previous = null;
        foreach (SafeTensorInfo tensor in tensors)
        {
            if (tensor.Begin < covered)
            {
                throw Invalid(fileName, $"the data of tensor '{tensor.Name}' [{tensor.Begin}, {tensor.End}) overlaps that of '{previous!.Name}' [{previous.Begin}, {previous.End})");
            }

            if (tensor.Begin > covered)
            {
                throw Invalid(fileName, $"no tensor covers data bytes [{covered}, {tensor.Begin}) before tensor '{tensor.Name}'");
            }

            covered = tensor.End;
            previous = tensor;
        }

        if (covered != dataLength)
        {
            throw Invalid(fileName, $"its tensors cover {covered} data bytes, but {dataLength} bytes of data follow the header; the file length is inconsistent");
        }

        return new SafeTensorsHeader(tensors, metadata, 8 + (long)headerLength);
    }

    /// <summary>Reads the F32 data of one tensor of a validated header into <paramref name="destination"/>.</summary>
    public static void ReadData(Stream stream, SafeTensorsHeader header, SafeTensorInfo tensor, Span<float> destination)
    {
        if (tensor.DType != F32 || destination.Length != tensor.ElementCount)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' is {tensor.DType} {tensor.ShapeText}; the destination holds {destination.Length} floats.", nameof(destination));
        }

        stream.Position = header.DataStart + tensor.Begin;
        Span<byte> bytes = MemoryMarshal.AsBytes(destination);
        stream.ReadExactly(bytes);
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> words = MemoryMarshal.Cast<float, int>(destination);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string fileName)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(fileName, "its __metadata__ is not a JSON object");
        }

        foreach (JsonProperty entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid(fileName, $"its __metadata__ entry '{entry.Name}' is not a string");
            }

            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw Invalid(fileName, $"its __metadata__ names '{entry.Name}' twice");
            }
        }
    }

    private static SafeTensorInfo ReadEntry(JsonProperty property, long dataLength, string fileName)
    {
        string name = property.Name;
        JsonElement entry = property.Value;
        if (entry.ValueKind != JsonValueKind.Object
            || !entry.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String
            || !entry.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !entry.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Invalid(fileName, $"the header entry of tensor '{name}' lacks a string dtype, a shape array or a two-element data_offsets array");
        }

        var shape = new int[shapeElement.GetArrayLength()];
        int i = 0;
        foreach (JsonElement dimension in shapeElement.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt32(out shape[i]) || shape[i] < 0)
            {
                throw Invalid(fileName, $"the shape of tensor '{name}' holds '{dimension.GetRawText()}', not a non-negative 32-bit integer");
            }

            i++;
        }

        if (offsets[0].ValueKind != JsonValueKind.Number || !offsets[0].TryGetInt64(out long begin)
            || offsets[1].ValueKind != JsonValueKind.Number || !offsets[1].TryGetInt64(out long end)
            || begin < 0 || end < begin)
        {
            throw Invalid(fileName, $"the data_offsets of tensor '{name}' are {offsets.GetRawText()}, not a range [begin, end) of non-negative integers");
        }

        if (end > dataLength)
        {
            throw Invalid(fileName, $"tensor '{name}' ends at data byte {end}, but the file holds only {dataLength} bytes of data; the file is truncated");
        }

        var info = new SafeTensorInfo(name, dtype.GetString()!, shape, begin, end);
        int elementSize = ElementSize(info.DType);
        if (elementSize == 0)
        {
            throw Invalid(fileName, $"tensor '{name}' has the unknown dtype '{info.DType}'");
        }

        // Checked: a hostile shape must not overflow into a plausible size.
        long expected;
        try
        {
            expected = checked(info.ElementCount * elementSize);
        }
        catch (OverflowException)
        {
            expected = -1;
        }

        if (expected != end - begin)
        {
            throw Invalid(fileName, $"tensor '{name}' is {info.DType} {info.ShapeText}, {expected} bytes, but its data_offsets [{begin}, {end}) span {end - begin} bytes");
        }

        return info;
    }

    private static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    /// <summary>The offset of the first byte that is not part of valid UTF-8 (the length when all of it is).</summary>
    private static long FirstInvalidUtf8(ReadOnlySpan<byte> text)
    {
        long offset = 0;
        while (!text.IsEmpty)
        {
            if (System.Text.Rune.DecodeFromUtf8(text, out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            text = text[consumed..];
            offset += consumed;
        }

        return offset;
    }

    private static InvalidDataException Invalid(string fileName, string reason) =>
        new($"'{fileName}' is not a valid safetensors file: {reason}.");
}
