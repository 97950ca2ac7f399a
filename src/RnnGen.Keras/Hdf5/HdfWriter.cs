using System.Buffers.Binary;
using System.Text;

namespace RnnGen.Keras.Hdf5;

/// <summary>A group to write: attributes, and members (groups or float datasets) by name.</summary>
internal sealed class HdfWriteGroup
{
    public SortedDictionary<string, object> Members { get; } = new(StringComparer.Ordinal);

    public List<HdfWriteAttribute> Attributes { get; } = [];

    public HdfWriteGroup Group(string name)
    {
        if (!Members.TryGetValue(name, out object? member))
        {
            member = new HdfWriteGroup();
            Members[name] = member;
        }

        return member as HdfWriteGroup ?? throw new InvalidOperationException($"'{name}' is a dataset, not a group");
    }

    /// <summary>The group at a '/'-separated path below this one, created as needed.</summary>
    public HdfWriteGroup GroupAt(string path)
    {
        HdfWriteGroup current = this;
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = current.Group(part);
        }

        return current;
    }

    public void Add(string name, float[] data, ulong[] dims) => Members.Add(name, new HdfWriteDataset(data, dims));

    public void Attribute(string name, string value, bool utf8) => Attributes.Add(new HdfWriteAttribute(name, [value], Scalar: true, utf8));

    public void Attribute(string name, string[] values, bool utf8) => Attributes.Add(new HdfWriteAttribute(name, values, Scalar: false, utf8));

    /// <summary>h5py's form of an empty list attribute: a 1-D float64 array of length 0.</summary>
    public void EmptyListAttribute(string name) => Attributes.Add(new HdfWriteAttribute(name, null, Scalar: false, Utf8: false));
}

/// <summary>A float32 dataset to write.</summary>
internal sealed record HdfWriteDataset(float[] Data, ulong[] Dims);

/// <summary>A string attribute (variable-length, ASCII or UTF-8; a scalar or a 1-D list), or an empty float64 list.</summary>
internal sealed record HdfWriteAttribute(string Name, string[]? Strings, bool Scalar, bool Utf8);

/// <summary>
/// Writes HDF5 as h5py does with its defaults (superblock 0, 8-byte addresses and lengths, version 1 object headers,
/// groups as symbol tables: a B-tree of group nodes, symbol table nodes and a local heap; contiguous little-endian
/// float32 datasets; variable-length strings in one global heap collection), so h5py and Keras read the files as their
/// own. Layout: superblock, global heap, then every object after its members, so each address is known when it is
/// written; the root's is patched into the superblock last. Deterministic: the same tree gives the same bytes.
/// </summary>
internal static class HdfWriter
{
    private const int LeafK = 4;       // symbol table nodes hold 2·4 members
    private const int InternalK = 16;  // a B-tree node holds 2·16 children
    private const int EntrySize = 40;  // a symbol table entry: name offset, header address, cache type, reserved, scratch pad
    private const ulong Undefined = ulong.MaxValue;

    public static byte[] Write(HdfWriteGroup root)
    {
        var file = new Buffer();
        file.Reserve(96); // the superblock, written last
        var heap = new GlobalHeap();
        heap.Collect(root);
        ulong heapAddress = heap.Write(file);
        (ulong header, ulong tree, ulong localHeap) = WriteGroup(file, root, heap, heapAddress);

        Span<byte> superblock = file.At(0, 96);
        ReadOnlySpan<byte> signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(superblock);
        superblock[8] = 0;  // superblock version
        superblock[9] = 0;  // free-space storage version
        superblock[10] = 0; // root group symbol table entry version
        superblock[11] = 0;
        superblock[12] = 0; // shared header message format version
        superblock[13] = 8; // size of offsets
        superblock[14] = 8; // size of lengths
        superblock[15] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(superblock[16..], LeafK);
        BinaryPrimitives.WriteUInt16LittleEndian(superblock[18..], InternalK);
        BinaryPrimitives.WriteUInt32LittleEndian(superblock[20..], 0); // file consistency flags
        BinaryPrimitives.WriteUInt64LittleEndian(superblock[24..], 0); // base address
        BinaryPrimitives.WriteUInt64LittleEndian(superblock[32..], Undefined); // free-space info
        BinaryPrimitives.WriteUInt64LittleEndian(superblock[40..], (ulong)file.Length); // end of file
        BinaryPrimitives.WriteUInt64LittleEndian(superblock[48..], Undefined); // driver info block
        WriteEntry(superblock[56..], 0, header, tree, localHeap);
        return file.ToArray();
    }

    // Members first, then the local heap of their names, the symbol table nodes, the B-tree, and the group's header.
    private static (ulong Header, ulong Tree, ulong Heap) WriteGroup(Buffer file, HdfWriteGroup group, GlobalHeap strings, ulong heapAddress)
    {
        var members = new List<(string Name, ulong Header, ulong Tree, ulong Heap, bool IsGroup)>();
        foreach ((string name, object member) in group.Members)
        {
            if (member is HdfWriteGroup child)
            {
                (ulong header, ulong tree, ulong heap) = WriteGroup(file, child, strings, heapAddress);
                members.Add((name, header, tree, heap, true));
            }
            else
            {
                members.Add((name, WriteDataset(file, (HdfWriteDataset)member), 0, 0, false));
            }
        }

        if (members.Count > 2 * LeafK * 2 * InternalK)
        {
            throw new InvalidOperationException($"a group of {members.Count} members; this writer stores up to {2 * LeafK * 2 * InternalK}");
        }

        // The local heap: the empty name at 0, then each name, NUL-terminated and padded to 8 bytes.
        var names = new List<byte>(new byte[8]);
        var nameOffsets = new List<ulong>();
        foreach ((string name, _, _, _, _) in members)
        {
            nameOffsets.Add((ulong)names.Count);
            names.AddRange(Encoding.UTF8.GetBytes(name));
            do
            {
                names.Add(0);
            }
            while (names.Count % 8 != 0);
        }

        ulong localHeap = file.Align();
        Span<byte> heapHeader = file.Append(32);
        "HEAP"u8.CopyTo(heapHeader);
        BinaryPrimitives.WriteUInt64LittleEndian(heapHeader[8..], (ulong)names.Count); // data segment size
        BinaryPrimitives.WriteUInt64LittleEndian(heapHeader[16..], 1); // no free block (HDF5's H5HL_FREE_NULL)
        BinaryPrimitives.WriteUInt64LittleEndian(heapHeader[24..], localHeap + 32);
        names.ToArray().CopyTo(file.Append(names.Count));

        // Symbol table nodes of up to 2K members each, sorted by name (HDF5 looks names up by binary search); an empty
        // group has none, and a B-tree of no entries.
        var nodes = new List<(ulong Address, ulong LastName)>();
        for (int start = 0; start < members.Count; start += 2 * LeafK)
        {
            int count = Math.Min(2 * LeafK, members.Count - start);
            ulong address = file.Align();
            Span<byte> node = file.Append(8 + 2 * LeafK * EntrySize);
            "SNOD"u8.CopyTo(node);
            node[4] = 1;
            BinaryPrimitives.WriteUInt16LittleEndian(node[6..], (ushort)count);
            for (int i = 0; i < count; i++)
            {
                var member = members[start + i];
                WriteEntry(node[(8 + i * EntrySize)..], nameOffsets[start + i], member.Header, member.Tree, member.Heap, member.IsGroup);
            }

            nodes.Add((address, nameOffsets[start + count - 1]));
        }

        // One B-tree node of level 0: key 0 is the empty name, key i+1 the last name of child i.
        ulong treeAddress = file.Align();
        Span<byte> btree = file.Append(24 + (2 * InternalK + 1) * 8 + 2 * InternalK * 8);
        "TREE"u8.CopyTo(btree);
        btree[4] = 0; // group node
        btree[5] = 0; // level 0
        int used = nodes.Count;
        BinaryPrimitives.WriteUInt16LittleEndian(btree[6..], (ushort)used);
        BinaryPrimitives.WriteUInt64LittleEndian(btree[8..], Undefined);
        BinaryPrimitives.WriteUInt64LittleEndian(btree[16..], Undefined);
        int at = 24;
        BinaryPrimitives.WriteUInt64LittleEndian(btree[at..], 0);
        at += 8;
        for (int i = 0; i < used; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(btree[at..], nodes[i].Address);
            BinaryPrimitives.WriteUInt64LittleEndian(btree[(at + 8)..], nodes[i].LastName);
            at += 16;
        }

        var messages = new List<(int Type, int Flags, byte[] Body)>();
        byte[] symbolTable = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(symbolTable, treeAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(symbolTable.AsSpan(8), localHeap);
        messages.Add((HdfMessage.SymbolTable, 0, symbolTable));
        foreach (HdfWriteAttribute attribute in group.Attributes)
        {
            messages.Add((HdfMessage.Attribute, 0, AttributeMessage(attribute, strings, heapAddress)));
        }

        return (WriteHeader(file, messages), treeAddress, localHeap);
    }

    private static ulong WriteDataset(Buffer file, HdfWriteDataset dataset)
    {
        ulong count = 1;
        foreach (ulong dim in dataset.Dims)
        {
            count *= dim;
        }

        if (count != (ulong)dataset.Data.Length)
        {
            throw new InvalidOperationException($"a dataset of shape ({string.Join(", ", dataset.Dims)}) with {dataset.Data.Length} values");
        }

        ulong data = file.Align();
        Span<byte> target = file.Append(dataset.Data.Length * 4);
        for (int i = 0; i < dataset.Data.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(target[(4 * i)..], dataset.Data[i]);
        }

        byte[] fill = [2, 2, 2, 1, 0, 0, 0, 0]; // version 2, late allocation, write fill if set, defined, size 0
        byte[] layout = new byte[18];
        layout[0] = 3; // version 3
        layout[1] = 1; // contiguous
        BinaryPrimitives.WriteUInt64LittleEndian(layout.AsSpan(2), data);
        BinaryPrimitives.WriteUInt64LittleEndian(layout.AsSpan(10), (ulong)dataset.Data.Length * 4);
        return WriteHeader(file,
        [
            (HdfMessage.Dataspace, 0, Dataspace(dataset.Dims, scalar: false)),
            (HdfMessage.Datatype, 1, Float(8 * 4)),
            (0x5, 1, fill),
            (HdfMessage.Layout, 0, layout),
        ]);
    }

    // A version 1 object header: version, reserved, message count, reference count 1, size, padding to 16; then each
    // message as type, size, flags, reserved and its body padded to 8 bytes.
    private static ulong WriteHeader(Buffer file, List<(int Type, int Flags, byte[] Body)> messages)
    {
        int size = messages.Sum(static m => 8 + Pad8(m.Body.Length));
        ulong address = file.Align();
        Span<byte> header = file.Append(16 + size);
        header[0] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)messages.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)size);
        int at = 16;
        foreach ((int type, int flags, byte[] body) in messages)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header[at..], (ushort)type);
            BinaryPrimitives.WriteUInt16LittleEndian(header[(at + 2)..], (ushort)Pad8(body.Length));
            header[at + 4] = (byte)flags;
            body.CopyTo(header[(at + 8)..]);
            at += 8 + Pad8(body.Length);
        }

        return address;
    }

    // Attribute message version 1: sizes, then name, datatype and dataspace each padded to 8, then the data.
    private static byte[] AttributeMessage(HdfWriteAttribute attribute, GlobalHeap strings, ulong heapAddress)
    {
        byte[] name = [.. Encoding.UTF8.GetBytes(attribute.Name), 0];
        byte[] type;
        byte[] space;
        byte[] data;
        if (attribute.Strings is null)
        {
            type = Float(64);
            space = Dataspace([0], scalar: false);
            data = [];
        }
        else
        {
            type = VariableString(attribute.Utf8);
            space = Dataspace([(ulong)attribute.Strings.Length], attribute.Scalar);
            data = new byte[16 * attribute.Strings.Length];
            for (int i = 0; i < attribute.Strings.Length; i++)
            {
                (uint length, uint index) = strings.Find(attribute.Strings[i]);
                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(16 * i), length);
                BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16 * i + 4), heapAddress);
                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(16 * i + 12), index);
            }
        }

        var message = new List<byte> { 1, 0 };
        message.AddRange(BitConverter.GetBytes((ushort)name.Length));
        message.AddRange(BitConverter.GetBytes((ushort)type.Length));
        message.AddRange(BitConverter.GetBytes((ushort)space.Length));
        foreach (byte[] part in new[] { name, type, space })
        {
            message.AddRange(part);
            message.AddRange(new byte[Pad8(part.Length) - part.Length]);
        }

        message.AddRange(data);
        return [.. message];
    }

    // Dataspace version 1: rank, flags (1: maximum dimensions follow, as h5py writes them), reserved, dims, max dims.
    private static byte[] Dataspace(ulong[] dims, bool scalar)
    {
        if (scalar)
        {
            return [1, 0, 0, 0, 0, 0, 0, 0];
        }

        byte[] space = new byte[8 + 16 * dims.Length];
        space[0] = 1;
        space[1] = (byte)dims.Length;
        space[2] = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(space.AsSpan(8 + 8 * i), dims[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(space.AsSpan(8 + 8 * (dims.Length + i)), dims[i]);
        }

        return space;
    }

    // IEEE little-endian float32 or float64: class 1 version 1, mantissa normalization "MSB implied", sign bit position;
    // bit offset 0, precision, exponent location and size, mantissa location and size, exponent bias.
    private static byte[] Float(int bits)
    {
        byte[] type = new byte[20];
        type[0] = 0x11;
        type[1] = 0x20;
        type[2] = (byte)(bits - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(type.AsSpan(4), (uint)(bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(type.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt16LittleEndian(type.AsSpan(10), (ushort)bits);
        (byte exponentAt, byte exponentBits, byte mantissaBits, uint bias) = bits == 32 ? ((byte)23, (byte)8, (byte)23, 127u) : ((byte)52, (byte)11, (byte)52, 1023u);
        type[12] = exponentAt;
        type[13] = exponentBits;
        type[14] = 0;
        type[15] = mantissaBits;
        BinaryPrimitives.WriteUInt32LittleEndian(type.AsSpan(16), bias);
        return type;
    }

    // A variable-length string (class 9 version 1, type string, NUL-terminated, ASCII or UTF-8) of 8-bit unsigned
    // characters; an element is its length, the global heap collection's address and the object's index: 16 bytes.
    private static byte[] VariableString(bool utf8) =>
        [0x19, 0x01, (byte)(utf8 ? 1 : 0), 0, 16, 0, 0, 0, 0x10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 8, 0];

    private static void WriteEntry(Span<byte> entry, ulong nameOffset, ulong header, ulong tree, ulong heap, bool isGroup = true)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(entry, nameOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], header);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[16..], isGroup ? 1u : 0u); // cache type 1: the scratch pad holds the group's B-tree and heap
        BinaryPrimitives.WriteUInt32LittleEndian(entry[20..], 0);
        if (isGroup)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], tree);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[32..], heap);
        }
        else
        {
            entry.Slice(24, 16).Clear();
        }
    }

    private static int Pad8(int size) => (size + 7) & ~7;

    /// <summary>Every distinct string of every attribute, in one global heap collection (at least 4096 bytes, as HDF5's).</summary>
    private sealed class GlobalHeap
    {
        private readonly Dictionary<string, (uint Length, uint Index)> _objects = new(StringComparer.Ordinal);
        private readonly List<byte[]> _data = [];

        public void Collect(HdfWriteGroup group)
        {
            foreach (HdfWriteAttribute attribute in group.Attributes)
            {
                foreach (string value in attribute.Strings ?? [])
                {
                    if (!_objects.ContainsKey(value))
                    {
                        byte[] bytes = Encoding.UTF8.GetBytes(value);
                        _data.Add(bytes);
                        _objects[value] = ((uint)bytes.Length, (uint)_data.Count);
                    }
                }
            }

            foreach (object member in group.Members.Values)
            {
                if (member is HdfWriteGroup child)
                {
                    Collect(child);
                }
            }
        }

        public (uint Length, uint Index) Find(string value) => _objects[value];

        public ulong Write(Buffer file)
        {
            int used = 16 + _data.Sum(static d => 16 + Pad8(d.Length));
            int size = Math.Max(4096, used + 16);
            ulong address = file.Align();
            Span<byte> collection = file.Append(size);
            "GCOL"u8.CopyTo(collection);
            collection[4] = 1;
            BinaryPrimitives.WriteUInt64LittleEndian(collection[8..], (ulong)size);
            int at = 16;
            for (int i = 0; i < _data.Count; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(collection[at..], (ushort)(i + 1));
                BinaryPrimitives.WriteUInt64LittleEndian(collection[(at + 8)..], (ulong)_data[i].Length);
                _data[i].CopyTo(collection[(at + 16)..]);
                at += 16 + Pad8(_data[i].Length);
            }

            // Object 0: the free space to the end of the collection, its own header included.
            BinaryPrimitives.WriteUInt64LittleEndian(collection[(at + 8)..], (ulong)(size - at));
            return address;
        }
    }

    /// <summary>A growable file image.</summary>
    private sealed class Buffer
    {
        private byte[] _bytes = new byte[1 << 16];

        public int Length { get; private set; }

        public void Reserve(int count) => Append(count);

        public ulong Align()
        {
            Append(Pad8(Length) - Length);
            return (ulong)Length;
        }

        public Span<byte> Append(int count)
        {
            if (Length + count > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + count));
            }

            Span<byte> span = _bytes.AsSpan(Length, count);
            span.Clear();
            Length += count;
            return span;
        }

        public Span<byte> At(int address, int count) => _bytes.AsSpan(address, count);

        public byte[] ToArray() => _bytes.AsSpan(0, Length).ToArray();
    }
}
