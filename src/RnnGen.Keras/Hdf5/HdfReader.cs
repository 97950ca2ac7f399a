using System.Buffers.Binary;
using System.Text;

namespace RnnGen.Keras.Hdf5;

/// <summary>
/// A reader for the part of HDF5 (format specification 3.0) that h5py writes for Keras files: superblocks 0-3, object
/// headers 1 and 2 with continuation blocks, groups as symbol tables (B-tree 1, local heap) or compact link messages,
/// attributes (message versions 1-3) holding numbers, fixed-length or variable-length strings (global heap), and
/// datasets of IEEE floats stored contiguously or compactly. Dense (fractal-heap) links and attributes, chunked or
/// filtered datasets and external storage are refused by name. The whole file is in memory, and every address, size
/// and count is checked against it before use, so a damaged file is an <see cref="HdfFormatException"/> naming the
/// structure, never an allocation the file merely asks for. No reflection: NativeAOT-safe.
/// </summary>
internal sealed class HdfReader
{
    private const int MaxObjects = 1 << 20;

    private readonly byte[] _file;
    private readonly Dictionary<(ulong Collection, uint Index), byte[]> _globalHeapObjects = [];
    private int _visited;

    private HdfReader(byte[] file)
    {
        _file = file;
    }

    /// <summary>Bytes per address (offset) and per length, from the superblock.</summary>
    internal int OffsetSize { get; private set; } = 8;

    internal int LengthSize { get; private set; } = 8;

    /// <summary>The root group.</summary>
    public HdfGroup Root { get; private set; } = null!;

    /// <summary>Parses the superblock; objects are read when they are asked for.</summary>
    public static HdfReader Open(byte[] file)
    {
        var reader = new HdfReader(file);
        reader.ReadSuperblock();
        return reader;
    }

    /// <summary>Whether <paramref name="file"/> starts with the HDF5 signature (at 0, or after a user block).</summary>
    public static bool HasSignature(ReadOnlySpan<byte> file) => FindSuperblock(file) >= 0;

    private static readonly byte[] s_signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    private static long FindSuperblock(ReadOnlySpan<byte> file)
    {
        for (long at = 0; at + 8 <= file.Length; at = at == 0 ? 512 : at * 2)
        {
            if (file.Slice((int)at, 8).SequenceEqual(s_signature))
            {
                return at;
            }
        }

        return -1;
    }

    private void ReadSuperblock()
    {
        long at = FindSuperblock(_file);
        if (at < 0)
        {
            throw new HdfFormatException("no HDF5 signature at 0, 512, 1024, …");
        }

        var cursor = new Cursor(this, (ulong)at + 8, "the superblock");
        int version = cursor.Byte();
        ulong rootHeader;
        if (version is 0 or 1)
        {
            cursor.Skip(4); // free-space, root group symbol table and shared header message versions, reserved
            OffsetSize = cursor.Byte();
            LengthSize = cursor.Byte();
            CheckSizes();
            cursor.Skip(1 + 2 + 2 + 4); // reserved, group leaf node K, group internal node K, consistency flags
            if (version == 1)
            {
                cursor.Skip(2 + 2); // indexed storage internal node K, reserved
            }

            ulong baseAddress = cursor.Offset();
            if (baseAddress != 0 && baseAddress != (ulong)at)
            {
                throw new HdfFormatException($"the superblock's base address {baseAddress} is not the file's start");
            }

            cursor.Offset(); // free-space info (unused)
            cursor.Offset(); // end of file
            cursor.Offset(); // driver info block
            // Root group symbol table entry: link name offset, object header address, cache type, reserved, scratch pad.
            cursor.Offset();
            rootHeader = cursor.Offset();
        }
        else if (version is 2 or 3)
        {
            OffsetSize = cursor.Byte();
            LengthSize = cursor.Byte();
            CheckSizes();
            cursor.Skip(1); // consistency flags
            cursor.Offset(); // base address
            cursor.Offset(); // superblock extension
            cursor.Offset(); // end of file
            rootHeader = cursor.Offset();
        }
        else
        {
            throw new HdfFormatException($"superblock version {version} (this reader knows 0 to 3)");
        }

        Root = new HdfGroup(this, ReadHeader(rootHeader, "/"), "/");
    }

    private void CheckSizes()
    {
        if (OffsetSize is not (4 or 8) || LengthSize is not (4 or 8))
        {
            throw new HdfFormatException($"addresses of {OffsetSize} bytes and lengths of {LengthSize} (this reader takes 4 or 8)");
        }
    }

    internal bool IsUndefined(ulong address) => OffsetSize == 8 ? address == ulong.MaxValue : address == uint.MaxValue;

    /// <summary>A span of the file, checked to lie inside it.</summary>
    internal ReadOnlySpan<byte> Bytes(ulong address, ulong length, string what)
    {
        if (address > (ulong)_file.Length || length > (ulong)_file.Length - address)
        {
            throw new HdfFormatException($"{what} at {address} ({length} bytes) lies outside the file of {_file.Length} bytes");
        }

        return _file.AsSpan((int)address, (int)length);
    }

    internal void CountObject(string what)
    {
        if (++_visited > MaxObjects)
        {
            throw new HdfFormatException($"more than {MaxObjects:N0} structures reached at {what}: a cycle or a damaged file");
        }
    }

    /// <summary>The messages of the object header at <paramref name="address"/>, continuation blocks included.</summary>
    internal List<HdfMessage> ReadHeader(ulong address, string path)
    {
        CountObject(path);
        var messages = new List<HdfMessage>();
        ReadOnlySpan<byte> start = Bytes(address, 4, $"the object header of {path}");
        if (start.SequenceEqual("OHDR"u8))
        {
            ReadHeaderV2(address, path, messages);
        }
        else
        {
            ReadHeaderV1(address, path, messages);
        }

        return messages;
    }

    private void ReadHeaderV1(ulong address, string path, List<HdfMessage> messages)
    {
        var cursor = new Cursor(this, address, $"the object header of {path}");
        int version = cursor.Byte();
        if (version != 1)
        {
            throw new HdfFormatException($"the object header of {path} has version {version} (1, or 2 with 'OHDR')");
        }

        cursor.Skip(1);
        int count = cursor.UInt16();
        cursor.Skip(4); // reference count
        ulong size = cursor.UInt32();
        var blocks = new Queue<(ulong Address, ulong Length)>();
        blocks.Enqueue((address + 16, size)); // the 12-byte prefix is padded to 16
        while (blocks.Count > 0 && messages.Count < count)
        {
            (ulong blockAddress, ulong blockLength) = blocks.Dequeue();
            CountObject(path);
            ReadOnlySpan<byte> block = Bytes(blockAddress, blockLength, $"a header block of {path}");
            int at = 0;
            while (at + 8 <= block.Length && messages.Count < count)
            {
                int type = BinaryPrimitives.ReadUInt16LittleEndian(block[at..]);
                int length = BinaryPrimitives.ReadUInt16LittleEndian(block[(at + 2)..]);
                int flags = block[at + 4];
                if (at + 8 + length > block.Length)
                {
                    throw new HdfFormatException($"a message of {path} runs past its header block");
                }

                var message = new HdfMessage(type, flags, blockAddress + (ulong)(at + 8), length);
                Add(message, messages, blocks, path);
                at += 8 + length;
            }
        }
    }

    private void ReadHeaderV2(ulong address, string path, List<HdfMessage> messages)
    {
        var cursor = new Cursor(this, address + 4, $"the object header of {path}");
        int version = cursor.Byte();
        if (version != 2)
        {
            throw new HdfFormatException($"the object header of {path} ('OHDR') has version {version}");
        }

        int flags = cursor.Byte();
        if ((flags & 0x20) != 0)
        {
            cursor.Skip(16); // access, modification, change and birth times
        }

        if ((flags & 0x10) != 0)
        {
            cursor.Skip(4); // attribute storage phase change values
        }

        ulong size = (flags & 3) switch
        {
            0 => (ulong)cursor.Byte(),
            1 => (ulong)cursor.UInt16(),
            2 => cursor.UInt32(),
            _ => cursor.UInt64(),
        };
        bool creationOrder = (flags & 0x04) != 0;
        var blocks = new Queue<(ulong Address, ulong Length)>();
        blocks.Enqueue((cursor.Position, size));
        bool first = true;
        while (blocks.Count > 0)
        {
            (ulong blockAddress, ulong blockLength) = blocks.Dequeue();
            CountObject(path);
            if (!first)
            {
                if (!Bytes(blockAddress, 4, $"a continuation block of {path}").SequenceEqual("OCHK"u8))
                {
                    throw new HdfFormatException($"a continuation block of {path} lacks its 'OCHK' signature");
                }

                blockAddress += 4;
                blockLength = blockLength < 8 ? 0 : blockLength - 8; // signature and checksum
            }

            first = false;
            ReadOnlySpan<byte> block = Bytes(blockAddress, blockLength, $"a header block of {path}");
            int headerSize = creationOrder ? 6 : 4;
            int at = 0;
            while (at + headerSize <= block.Length)
            {
                int type = block[at];
                int length = BinaryPrimitives.ReadUInt16LittleEndian(block[(at + 1)..]);
                int messageFlags = block[at + 3];
                if (at + headerSize + length > block.Length)
                {
                    throw new HdfFormatException($"a message of {path} runs past its header block");
                }

                Add(new HdfMessage(type, messageFlags, blockAddress + (ulong)(at + headerSize), length), messages, blocks, path);
                at += headerSize + length;
            }
        }
    }

    private void Add(HdfMessage message, List<HdfMessage> messages, Queue<(ulong, ulong)> blocks, string path)
    {
        if (message.Type == HdfMessage.Continuation)
        {
            var cursor = new Cursor(this, message.Address, $"a continuation message of {path}");
            blocks.Enqueue((cursor.Offset(), cursor.Length()));
        }
        else if ((message.Flags & 0x02) != 0 && message.Type != HdfMessage.Nil)
        {
            throw new HdfFormatException($"{path} uses a shared message (type {message.Type}), which this reader does not follow");
        }

        messages.Add(message);
    }

    /// <summary>The object (group or dataset) whose header is at <paramref name="address"/>.</summary>
    internal HdfObject ObjectAt(ulong address, string path)
    {
        List<HdfMessage> messages = ReadHeader(address, path);
        // A dataset has a data layout; anything else is read as a group (one without links has no members).
        return messages.Exists(static m => m.Type == HdfMessage.Layout)
            ? new HdfDataset(this, messages, path)
            : new HdfGroup(this, messages, path);
    }

    /// <summary>An object of the global heap, by collection address and index (variable-length data).</summary>
    internal byte[] GlobalHeapObject(ulong collection, uint index, string what)
    {
        if (_globalHeapObjects.TryGetValue((collection, index), out byte[]? cached))
        {
            return cached;
        }

        CountObject(what);
        var cursor = new Cursor(this, collection, $"the global heap collection of {what}");
        if (!cursor.Take(4).SequenceEqual("GCOL"u8))
        {
            throw new HdfFormatException($"{what} points to {collection}, which is no global heap collection ('GCOL')");
        }

        cursor.Skip(4); // version, reserved
        ulong size = cursor.Length();
        ulong end = collection + size;
        Bytes(collection, size, $"the global heap collection of {what}");
        while (cursor.Position + 8 + (ulong)LengthSize <= end)
        {
            uint objectIndex = (uint)cursor.UInt16();
            cursor.Skip(6); // reference count, reserved
            ulong objectSize = cursor.Length();
            if (objectIndex == 0)
            {
                break; // the free space, to the end of the collection
            }

            ReadOnlySpan<byte> data = Bytes(cursor.Position, objectSize, $"global heap object {objectIndex} of {what}");
            if (objectIndex == index)
            {
                byte[] found = data.ToArray();
                _globalHeapObjects[(collection, index)] = found;
                return found;
            }

            cursor.Skip((objectSize + 7) & ~7UL);
        }

        throw new HdfFormatException($"{what} refers to global heap object {index} at {collection}, which is not there");
    }

    /// <summary>A little-endian reader over the file with bounds checks.</summary>
    internal struct Cursor(HdfReader reader, ulong position, string what)
    {
        public ulong Position { get; private set; } = position;

        public ReadOnlySpan<byte> Take(ulong count)
        {
            ReadOnlySpan<byte> bytes = reader.Bytes(Position, count, what);
            Position += count;
            return bytes;
        }

        public void Skip(ulong count) => Take(count);

        public int Byte() => Take(1)[0];

        public int UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public ulong Offset() => reader.OffsetSize == 8 ? UInt64() : UInt32() is uint small && small == uint.MaxValue ? ulong.MaxValue : small;

        public ulong Length() => reader.LengthSize == 8 ? UInt64() : UInt32();

        public ulong Sized(int size) => size switch
        {
            1 => (ulong)Byte(),
            2 => (ulong)UInt16(),
            4 => UInt32(),
            _ => UInt64(),
        };
    }

    internal static string Utf8(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}

/// <summary>A damaged HDF5 file, or a feature of HDF5 this reader does not read; the message says which and where.</summary>
internal sealed class HdfFormatException(string message) : Exception(message);

/// <summary>One header message: its type, flags and where its body is in the file.</summary>
internal readonly record struct HdfMessage(int Type, int Flags, ulong Address, int Length)
{
    public const int Nil = 0x0;
    public const int Dataspace = 0x1;
    public const int LinkInfo = 0x2;
    public const int Datatype = 0x3;
    public const int Layout = 0x8;
    public const int FilterPipeline = 0xB;
    public const int Attribute = 0xC;
    public const int Continuation = 0x10;
    public const int SymbolTable = 0x11;
    public const int Link = 0x6;
    public const int AttributeInfo = 0x15;
}
