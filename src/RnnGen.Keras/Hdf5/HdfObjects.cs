using System.Buffers.Binary;
using System.Text;

namespace RnnGen.Keras.Hdf5;

/// <summary>A group or a dataset, with its attributes.</summary>
internal abstract class HdfObject
{
    private Dictionary<string, HdfAttribute>? _attributes;

    protected HdfObject(HdfReader reader, List<HdfMessage> messages, string path)
    {
        Reader = reader;
        Messages = messages;
        Path = path;
    }

    /// <summary>The path from the root, for messages: <c>/layers/lstm/cell/vars</c>.</summary>
    public string Path { get; }

    public string Name => Path == "/" ? "/" : Path[(Path.LastIndexOf('/') + 1)..];

    protected HdfReader Reader { get; }

    protected List<HdfMessage> Messages { get; }

    public IReadOnlyDictionary<string, HdfAttribute> Attributes => _attributes ??= ReadAttributes();

    public bool HasAttribute(string name) => Attributes.ContainsKey(name);

    public HdfAttribute Attribute(string name) =>
        Attributes.TryGetValue(name, out HdfAttribute? attribute) ? attribute : throw new HdfFormatException($"{Path} has no attribute '{name}'");

    private Dictionary<string, HdfAttribute> ReadAttributes()
    {
        var attributes = new Dictionary<string, HdfAttribute>(StringComparer.Ordinal);
        foreach (HdfMessage message in Messages)
        {
            if (message.Type == HdfMessage.AttributeInfo)
            {
                var info = new HdfReader.Cursor(Reader, message.Address, $"the attribute info of {Path}");
                info.Skip(1);
                int flags = info.Byte();
                if ((flags & 1) != 0)
                {
                    info.Skip(2);
                }

                if (!Reader.IsUndefined(info.Offset()))
                {
                    throw new HdfFormatException($"{Path} keeps its attributes in dense storage (a fractal heap), which this reader does not read");
                }
            }
            else if (message.Type == HdfMessage.Attribute)
            {
                HdfAttribute attribute = HdfAttribute.Read(Reader, message, Path);
                attributes[attribute.Name] = attribute;
            }
        }

        return attributes;
    }

    protected HdfMessage? Find(int type)
    {
        foreach (HdfMessage message in Messages)
        {
            if (message.Type == type)
            {
                return message;
            }
        }

        return null;
    }
}

/// <summary>A group: its links by name, from a symbol table (B-tree and local heap) or from link messages.</summary>
internal sealed class HdfGroup : HdfObject
{
    private Dictionary<string, ulong>? _links;

    internal HdfGroup(HdfReader reader, List<HdfMessage> messages, string path)
        : base(reader, messages, path)
    {
    }

    /// <summary>The names of the group's members, in the order the file lists them.</summary>
    public IEnumerable<string> Names => Links.Keys;

    public bool Has(string name) => Links.ContainsKey(name);

    /// <summary>The member <paramref name="path"/> (names separated by '/'), or <see langword="null"/>.</summary>
    public HdfObject? Find(string path)
    {
        HdfObject current = this;
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current is not HdfGroup group || !group.Links.TryGetValue(part, out ulong address))
            {
                return null;
            }

            current = Reader.ObjectAt(address, $"{(group.Path == "/" ? string.Empty : group.Path)}/{part}");
        }

        return current;
    }

    public HdfGroup Group(string path) => Find(path) as HdfGroup ?? throw new HdfFormatException($"{Path} has no group {path}");

    public HdfDataset Dataset(string path) => Find(path) as HdfDataset ?? throw new HdfFormatException($"{Path} has no dataset {path}");

    /// <summary>Every member, read.</summary>
    public IEnumerable<HdfObject> Members() => Names.Select(name => Find(name)!);

    private Dictionary<string, ulong> Links => _links ??= ReadLinks();

    private Dictionary<string, ulong> ReadLinks()
    {
        var links = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (Find(HdfMessage.SymbolTable) is { } table)
        {
            var cursor = new HdfReader.Cursor(Reader, table.Address, $"the symbol table of {Path}");
            ulong tree = cursor.Offset();
            ulong heap = cursor.Offset();
            ReadOnlySpan<byte> names = LocalHeap(heap);
            WalkTree(tree, names, links, depth: 0);
        }

        foreach (HdfMessage message in Messages)
        {
            if (message.Type == HdfMessage.LinkInfo)
            {
                var info = new HdfReader.Cursor(Reader, message.Address, $"the link info of {Path}");
                info.Skip(1);
                int flags = info.Byte();
                if ((flags & 1) != 0)
                {
                    info.Skip(8);
                }

                if (!Reader.IsUndefined(info.Offset()))
                {
                    throw new HdfFormatException($"{Path} keeps its links in dense storage (a fractal heap), which this reader does not read");
                }
            }
            else if (message.Type == HdfMessage.Link)
            {
                ReadLink(message, links);
            }
        }

        return links;
    }

    private ReadOnlySpan<byte> LocalHeap(ulong address)
    {
        var cursor = new HdfReader.Cursor(Reader, address, $"the local heap of {Path}");
        if (!cursor.Take(4).SequenceEqual("HEAP"u8))
        {
            throw new HdfFormatException($"the local heap of {Path} lacks its 'HEAP' signature");
        }

        cursor.Skip(4); // version, reserved
        ulong size = cursor.Length();
        cursor.Length(); // free list
        ulong data = cursor.Offset();
        return Reader.Bytes(data, size, $"the local heap data of {Path}");
    }

    // A version 1 B-tree of group nodes: internal levels point to nodes below, level 0 to symbol table nodes.
    private void WalkTree(ulong address, ReadOnlySpan<byte> names, Dictionary<string, ulong> links, int depth)
    {
        if (depth > 64)
        {
            throw new HdfFormatException($"the B-tree of {Path} is deeper than 64 levels");
        }

        Reader.CountObject(Path);
        var cursor = new HdfReader.Cursor(Reader, address, $"a B-tree node of {Path}");
        if (!cursor.Take(4).SequenceEqual("TREE"u8))
        {
            throw new HdfFormatException($"a B-tree node of {Path} lacks its 'TREE' signature");
        }

        int type = cursor.Byte();
        int level = cursor.Byte();
        int entries = cursor.UInt16();
        if (type != 0)
        {
            throw new HdfFormatException($"the B-tree of {Path} has node type {type}, not a group's 0");
        }

        cursor.Offset(); // left sibling
        cursor.Offset(); // right sibling
        var children = new List<ulong>(entries);
        for (int i = 0; i < entries; i++)
        {
            cursor.Length(); // key
            children.Add(cursor.Offset());
        }

        foreach (ulong child in children)
        {
            if (level > 0)
            {
                WalkTree(child, names, links, depth + 1);
            }
            else
            {
                ReadSymbolNode(child, names, links);
            }
        }
    }

    private void ReadSymbolNode(ulong address, ReadOnlySpan<byte> names, Dictionary<string, ulong> links)
    {
        Reader.CountObject(Path);
        var cursor = new HdfReader.Cursor(Reader, address, $"a symbol table node of {Path}");
        if (!cursor.Take(4).SequenceEqual("SNOD"u8))
        {
            throw new HdfFormatException($"a symbol table node of {Path} lacks its 'SNOD' signature");
        }

        cursor.Skip(2); // version, reserved
        int count = cursor.UInt16();
        for (int i = 0; i < count; i++)
        {
            ulong nameOffset = cursor.Offset();
            ulong header = cursor.Offset();
            cursor.Skip(4 + 4 + 16); // cache type, reserved, scratch pad
            if (nameOffset >= (ulong)names.Length)
            {
                throw new HdfFormatException($"a member of {Path} has its name at {nameOffset}, past the local heap of {names.Length} bytes");
            }

            links[HdfReader.Utf8(names[(int)nameOffset..])] = header;
        }
    }

    private void ReadLink(HdfMessage message, Dictionary<string, ulong> links)
    {
        var cursor = new HdfReader.Cursor(Reader, message.Address, $"a link of {Path}");
        cursor.Skip(1); // version
        int flags = cursor.Byte();
        int linkType = (flags & 0x08) != 0 ? cursor.Byte() : 0;
        if ((flags & 0x04) != 0)
        {
            cursor.Skip(8); // creation order
        }

        if ((flags & 0x10) != 0)
        {
            cursor.Skip(1); // character set
        }

        ulong nameLength = cursor.Sized(1 << (flags & 3));
        string name = Encoding.UTF8.GetString(cursor.Take(nameLength));
        if (linkType != 0)
        {
            throw new HdfFormatException($"{Path}/{name} is a soft or external link, which this reader does not follow");
        }

        links[name] = cursor.Offset();
    }
}

/// <summary>A dataset: its shape, element type and data.</summary>
internal sealed class HdfDataset : HdfObject
{
    internal HdfDataset(HdfReader reader, List<HdfMessage> messages, string path)
        : base(reader, messages, path)
    {
        Dims = HdfSpace.Read(reader, Find(HdfMessage.Dataspace) ?? throw new HdfFormatException($"{path} has no dataspace"), path);
        Type = HdfType.Read(reader, Find(HdfMessage.Datatype) ?? throw new HdfFormatException($"{path} has no datatype"), path);
    }

    /// <summary>The dimensions; empty for a scalar.</summary>
    public ulong[] Dims { get; }

    public HdfType Type { get; }

    public ulong Count => HdfSpace.Count(Dims);

    /// <summary>The raw little-endian bytes of all elements (checked to be Count × element size, inside the file).</summary>
    public ReadOnlySpan<byte> RawData()
    {
        if (Find(HdfMessage.FilterPipeline) is { } filters && filters.Length > 2)
        {
            var cursor = new HdfReader.Cursor(Reader, filters.Address, $"the filter pipeline of {Path}");
            cursor.Skip(1);
            if (cursor.Byte() > 0)
            {
                throw new HdfFormatException($"{Path} is compressed or filtered, which this reader does not undo");
            }
        }

        ulong size = checked(Count * (ulong)Type.Size);
        HdfMessage layout = Find(HdfMessage.Layout)!.Value;
        var reader = new HdfReader.Cursor(Reader, layout.Address, $"the layout of {Path}");
        int version = reader.Byte();
        if (version is not (3 or 4))
        {
            throw new HdfFormatException($"{Path} has a data layout message of version {version} (this reader knows 3 and 4, HDF5 1.6 and later)");
        }

        int layoutClass = reader.Byte();
        switch (layoutClass)
        {
            case 0:
                {
                    ulong compactSize = (ulong)reader.UInt16();
                    if (compactSize != size)
                    {
                        throw new HdfFormatException($"{Path} holds {compactSize} compact bytes for {Count} elements of {Type.Size}");
                    }

                    return reader.Take(compactSize);
                }

            case 1:
                {
                    ulong address = reader.Offset();
                    ulong stored = reader.Length();
                    if (Reader.IsUndefined(address))
                    {
                        return new byte[size]; // never written: the fill value, zeros
                    }

                    if (stored != size)
                    {
                        throw new HdfFormatException($"{Path} stores {stored} bytes for {Count} elements of {Type.Size} bytes");
                    }

                    return Reader.Bytes(address, size, $"the data of {Path}");
                }

            default:
                throw new HdfFormatException($"{Path} is stored {(layoutClass == 2 ? "in chunks" : $"with layout class {layoutClass}")}, which this reader does not read (Keras writes contiguous datasets)");
        }
    }
}

/// <summary>An attribute: its name, shape, element type and raw data.</summary>
internal sealed class HdfAttribute
{
    private readonly HdfReader _reader;
    private readonly byte[] _data;

    private HdfAttribute(HdfReader reader, string name, string owner, ulong[] dims, HdfType type, byte[] data)
    {
        _reader = reader;
        Name = name;
        Owner = owner;
        Dims = dims;
        Type = type;
        _data = data;
    }

    public string Name { get; }

    public string Owner { get; }

    public ulong[] Dims { get; }

    public HdfType Type { get; }

    public bool IsString => Type.Class is HdfType.StringClass || (Type.Class == HdfType.VariableLengthClass && Type.IsVariableString);

    public static HdfAttribute Read(HdfReader reader, HdfMessage message, string owner)
    {
        var cursor = new HdfReader.Cursor(reader, message.Address, $"an attribute of {owner}");
        int version = cursor.Byte();
        if (version is < 1 or > 3)
        {
            throw new HdfFormatException($"an attribute of {owner} has message version {version}");
        }

        cursor.Skip(1);
        int nameSize = cursor.UInt16();
        int typeSize = cursor.UInt16();
        int spaceSize = cursor.UInt16();
        if (version == 3)
        {
            cursor.Skip(1); // name character set
        }

        static ulong Padded(int size, int version) => version == 1 ? (ulong)((size + 7) & ~7) : (ulong)size;
        string name = HdfReader.Utf8(cursor.Take((ulong)nameSize));
        cursor.Skip(Padded(nameSize, version) - (ulong)nameSize);
        ulong typeAddress = cursor.Position;
        cursor.Skip(Padded(typeSize, version));
        ulong spaceAddress = cursor.Position;
        cursor.Skip(Padded(spaceSize, version));
        string path = $"{owner} attribute '{name}'";
        HdfType type = HdfType.Read(reader, new HdfMessage(HdfMessage.Datatype, 0, typeAddress, typeSize), path);
        ulong[] dims = HdfSpace.Read(reader, new HdfMessage(HdfMessage.Dataspace, 0, spaceAddress, spaceSize), path);
        ulong size = checked(HdfSpace.Count(dims) * (ulong)type.Size);
        return new HdfAttribute(reader, name, owner, dims, type, cursor.Take(size).ToArray());
    }

    /// <summary>The attribute's strings (one for a scalar), fixed-length or variable-length.</summary>
    public string[] Strings()
    {
        string what = $"{Owner} attribute '{Name}'";
        if (!IsString)
        {
            throw new HdfFormatException($"{what} holds {Type.Describe()}, not strings");
        }

        int count = (int)HdfSpace.Count(Dims);
        string[] values = new string[count];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> element = _data.AsSpan(i * Type.Size, Type.Size);
            if (Type.Class == HdfType.StringClass)
            {
                values[i] = HdfReader.Utf8(element).TrimEnd(' ');
            }
            else
            {
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(element);
                ulong collection = _reader.OffsetSize == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(element[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(element[4..]);
                uint index = BinaryPrimitives.ReadUInt32LittleEndian(element[(4 + _reader.OffsetSize)..]);
                if (length == 0)
                {
                    values[i] = string.Empty;
                    continue;
                }

                byte[] bytes = _reader.GlobalHeapObject(collection, index, what);
                if (length > (uint)bytes.Length)
                {
                    throw new HdfFormatException($"{what}: a string of {length} bytes in a heap object of {bytes.Length}");
                }

                values[i] = HdfReader.Utf8(bytes.AsSpan(0, (int)length));
            }
        }

        return values;
    }
}

/// <summary>A dataspace: the dimensions of a dataset or attribute (empty for a scalar).</summary>
internal static class HdfSpace
{
    public static ulong[] Read(HdfReader reader, HdfMessage message, string path)
    {
        var cursor = new HdfReader.Cursor(reader, message.Address, $"the dataspace of {path}");
        int version = cursor.Byte();
        int rank = cursor.Byte();
        cursor.Skip(1); // flags: whether maximum dimensions follow the dimensions, which are all this reads
        if (version == 1)
        {
            cursor.Skip(5);
        }
        else if (version == 2)
        {
            int type = cursor.Byte();
            if (type == 2)
            {
                return [0]; // null dataspace: no elements
            }
        }
        else
        {
            throw new HdfFormatException($"the dataspace of {path} has version {version}");
        }

        if (rank > 32)
        {
            throw new HdfFormatException($"the dataspace of {path} has rank {rank} (HDF5 allows 32)");
        }

        ulong[] dims = new ulong[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = cursor.Length();
        }

        return dims;
    }

    public static ulong Count(ulong[] dims)
    {
        ulong count = 1;
        foreach (ulong dim in dims)
        {
            count = checked(count * dim);
        }

        return count;
    }
}

/// <summary>An element type: its class, size, and what this reader needs of its properties.</summary>
internal sealed record HdfType(int Class, int Size, bool LittleEndian, bool IsVariableString)
{
    public const int FixedPointClass = 0;
    public const int FloatClass = 1;
    public const int StringClass = 3;
    public const int VariableLengthClass = 9;

    public static HdfType Read(HdfReader reader, HdfMessage message, string path)
    {
        var cursor = new HdfReader.Cursor(reader, message.Address, $"the datatype of {path}");
        int classAndVersion = cursor.Byte();
        int bits0 = cursor.Byte();
        cursor.Skip(2);
        int size = (int)cursor.UInt32();
        int typeClass = classAndVersion & 0x0F;
        if (size is <= 0 or > 1 << 16)
        {
            throw new HdfFormatException($"the datatype of {path} claims {size}-byte elements");
        }

        return typeClass switch
        {
            FixedPointClass or FloatClass => new HdfType(typeClass, size, (bits0 & 1) == 0, false),
            StringClass => new HdfType(typeClass, size, true, false),
            VariableLengthClass => new HdfType(typeClass, size, true, (bits0 & 0x0F) == 1),
            _ => new HdfType(typeClass, size, true, false),
        };
    }

    public string Describe() => Class switch
    {
        FixedPointClass => $"{Size * 8}-bit integers",
        FloatClass => $"{Size * 8}-bit floats",
        StringClass => $"{Size}-byte strings",
        VariableLengthClass => IsVariableString ? "variable-length strings" : "variable-length sequences",
        _ => $"elements of HDF5 class {Class}",
    };
}
