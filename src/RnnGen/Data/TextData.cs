using System.Globalization;
using System.Text;
using System.Text.Json;
using nietras.SeparatedValues;
using RnnGen.Text;

namespace RnnGen.Data;

/// <summary>
/// Readers of the user's labeled text: a folder with one subfolder per class (Keras' <c>text_dataset_from_directory</c>),
/// CSV or TSV files with named text and label columns (RFC 4180 quoting, read by Sep), and JSON Lines. Each reads the
/// whole source or fails with a <see cref="TextDataException"/> that names the file, the line and the problem, so
/// nothing is half-loaded. Labels are class names or class ids (docs/keras-conventions.md, Your own text).
/// </summary>
public static class TextData
{
    /// <summary>The largest text file <see cref="FromDirectory"/> reads by default: 1 MiB, far above any review or ticket.</summary>
    public const long DefaultMaxFileBytes = 1 << 20;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Keras' <c>text_dataset_from_directory</c> with <c>labels="inferred"</c>: the classes are the sorted subfolders whose
    /// names do not start with '.', or the given <paramref name="classNames"/> (a subset, in their order; a missing one is
    /// an error); every <c>.txt</c> file (any case) below a class folder, at any depth, sorted by folder path then name,
    /// read as UTF-8; files directly in <paramref name="directory"/> are ignored.
    /// </summary>
    public static LabeledTexts FromDirectory(string directory, IReadOnlyList<string>? classNames = null, long maxFileBytes = DefaultMaxFileBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFileBytes);
        if (!Directory.Exists(directory))
        {
            throw new TextDataException(directory, null, "the folder does not exist.");
        }

        string[] found = Directory.GetDirectories(directory)
            .Select(static d => System.IO.Path.GetFileName(d))
            .Where(static name => !name.StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        IReadOnlyList<string> classes = classNames ?? found;
        if (classes.Count == 0)
        {
            throw new TextDataException(directory, null, "there is no class subfolder (one folder per class, holding .txt files).");
        }

        foreach (string name in classes)
        {
            if (Array.IndexOf(found, name) < 0)
            {
                throw new TextDataException(directory, null, $"the class '{name}' has no subfolder; the subfolders are: {string.Join(", ", found)}.");
            }
        }

        var texts = new List<string>();
        var labels = new List<int>();
        for (int label = 0; label < classes.Count; label++)
        {
            foreach (string file in TextFilesBelow(System.IO.Path.Combine(directory, classes[label])))
            {
                texts.Add(ReadText(file, maxFileBytes));
                labels.Add(label);
            }
        }

        if (texts.Count == 0)
        {
            throw new TextDataException(directory, null, $"the class folders ({string.Join(", ", classes)}) hold no .txt files.");
        }

        return new LabeledTexts(texts, labels, [.. classes]);
    }

    /// <summary>
    /// A CSV or TSV file with a header row: the text of each row from <paramref name="textColumn"/>, its label (a class name
    /// or a class id) from <paramref name="labelColumn"/>. The separator is detected from the header unless given (a
    /// <c>.tsv</c> file is tab-separated). Quoted fields may hold separators, quotes ("") and line breaks (RFC 4180).
    /// </summary>
    public static LabeledTexts FromCsv(
        string path,
        string textColumn = "text",
        string labelColumn = "label",
        IReadOnlyList<string>? classNames = null,
        char? separator = null) =>
        Collect(path, ReadCsv(path, textColumn, labelColumn, separator), classNames);

    /// <summary>The rows of a CSV or TSV file one at a time, as <see cref="FromCsv"/> reads them, for sources too large to hold.</summary>
    public static IEnumerable<TextRow> ReadCsv(string path, string textColumn = "text", string labelColumn = "label", char? separator = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Sep? sep = separator is { } c ? new Sep(c)
            : path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? new Sep('\t')
            : null;
        return ReadCsvRows(path, textColumn, labelColumn, sep);
    }

    /// <summary>
    /// A JSON Lines file: one object per line with the text in <paramref name="textField"/> (a string) and the label in
    /// <paramref name="labelField"/> (a class name as a string, or a class id as an integer); blank lines are skipped.
    /// </summary>
    public static LabeledTexts FromJsonLines(string path, string textField = "text", string labelField = "label", IReadOnlyList<string>? classNames = null) =>
        Collect(path, ReadJsonLines(path, textField, labelField), classNames);

    /// <summary>The rows of a JSON Lines file one at a time, as <see cref="FromJsonLines"/> reads them.</summary>
    public static IEnumerable<TextRow> ReadJsonLines(string path, string textField = "text", string labelField = "label")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadJsonLineRows(path, textField, labelField);
    }

    /// <summary>
    /// Two streaming passes over a source too large to hold as text (<see cref="ReadCsv"/>, <see cref="ReadJsonLines"/>):
    /// the first learns the vocabulary (<see cref="TextVectorizer.Adapt"/>) and the classes, the second writes the ids.
    /// Memory holds the token counts, the class names and the encoded ids (<paramref name="sequenceLength"/> ints a text),
    /// never the texts. <paramref name="open"/> is called once per pass and must give the same rows both times.
    /// </summary>
    public static (SequenceDataset Data, TextVectorizer Vectorizer, IReadOnlyList<string> ClassNames) AdaptAndEncode(
        string source, Func<IEnumerable<TextRow>> open, int maxTokens, int sequenceLength, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        var counter = new VocabularyCounter();
        var labels = new HashSet<string>(StringComparer.Ordinal);
        int count = 0;
        foreach (TextRow row in open())
        {
            counter.Add(row.Text);
            labels.Add(row.Label);
            count++;
        }

        if (count == 0)
        {
            throw new TextDataException(source, null, "there are no texts.");
        }

        TextVectorizer vectorizer = counter.Build(maxTokens, sequenceLength);
        LabelResolver resolver = LabelResolver.For(source, labels, classNames);
        int[] tokens = new int[checked(count * sequenceLength)];
        float[] ids = new float[count];
        int index = 0;
        foreach (TextRow row in open())
        {
            if (index == count)
            {
                throw new TextDataException(source, row.Line, "the second pass found more rows than the first; the source changed while it was read.");
            }

            vectorizer.Encode(row.Text, tokens.AsSpan(index * sequenceLength, sequenceLength));
            ids[index++] = resolver.IdOf(row.Label, row.Line);
        }

        if (index != count)
        {
            throw new TextDataException(source, null, $"the second pass found {index} rows, the first {count}; the source changed while it was read.");
        }

        return (new SequenceDataset(tokens, ids, sequenceLength), vectorizer, resolver.ClassNames);
    }

    private static IEnumerable<TextRow> ReadCsvRows(string path, string textColumn, string labelColumn, Sep? sep)
    {
        SepReader reader;
        try
        {
            reader = Open(path, sep);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TextDataException(path, null, "the file does not exist.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new TextDataException(path, null, "the file cannot be read (access denied).", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new TextDataException(path, null, $"the file is not valid UTF-8 ({e.Message}).", e);
        }
        catch (InvalidDataException e)
        {
            throw new TextDataException(path, 1, $"the header cannot be read: {e.Message}", e);
        }

        using (reader)
        {
            int text = ColumnIndex(reader, path, textColumn);
            int label = ColumnIndex(reader, path, labelColumn);
            while (true)
            {
                TextRow row;
                try
                {
                    if (!reader.MoveNext())
                    {
                        yield break;
                    }

                    SepReader.Row current = reader.Current;
                    row = new TextRow(current[text].ToString(), current[label].ToString(), current.LineNumberFrom);
                }
                catch (InvalidDataException e)
                {
                    throw new TextDataException(path, null, e.Message, e); // Sep names the row and lines of a malformed row
                }
                catch (NotSupportedException e)
                {
                    // Sep's limit on one row (an unterminated quote swallows the rest of the file).
                    throw new TextDataException(path, null, $"a row is too long to read ({e.Message}); is a quote left open?", e);
                }
                catch (DecoderFallbackException e)
                {
                    throw new TextDataException(path, null, $"the file is not valid UTF-8 ({e.Message}).", e);
                }

                yield return row;
            }
        }
    }

    private static IEnumerable<TextRow> ReadJsonLineRows(string path, string textField, string labelField)
    {
        StreamReader file;
        try
        {
            file = new StreamReader(path, s_strictUtf8, detectEncodingFromByteOrderMarks: true); // a UTF-8 BOM is skipped
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TextDataException(path, null, "the file does not exist.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new TextDataException(path, null, "the file cannot be read (access denied).", e);
        }

        using (file)
        {
            long line = 0;
            while (ReadLine(file, path, line + 1) is { } text)
            {
                line++;
                if (!string.IsNullOrWhiteSpace(text))
                {
                    yield return ParseJsonLine(path, line, text, textField, labelField);
                }
            }
        }
    }

    private static TextRow ParseJsonLine(string path, long line, string text, string textField, string labelField)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new TextDataException(path, line, $"not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TextDataException(path, line, $"a {root.ValueKind} where an object with \"{textField}\" and \"{labelField}\" belongs.");
            }

            if (!root.TryGetProperty(textField, out JsonElement value) || value.ValueKind != JsonValueKind.String)
            {
                throw new TextDataException(path, line, $"the object has no string field \"{textField}\".");
            }

            if (!root.TryGetProperty(labelField, out JsonElement label))
            {
                throw new TextDataException(path, line, $"the object has no field \"{labelField}\".");
            }

            string labelText = label.ValueKind switch
            {
                JsonValueKind.String => label.GetString()!,
                JsonValueKind.Number when label.TryGetInt32(out int id) && id >= 0 => id.ToString(CultureInfo.InvariantCulture),
                _ => throw new TextDataException(path, line, $"the label is {label.GetRawText()}; it must be a class name (a string) or a class id (an integer from 0)."),
            };
            return new TextRow(value.GetString()!, labelText, line);
        }
    }

    /// <summary>Reads every row, then resolves the labels against the classes; nothing is returned unless all of it is valid.</summary>
    private static LabeledTexts Collect(string path, IEnumerable<TextRow> rows, IReadOnlyList<string>? classNames)
    {
        List<TextRow> all = [.. rows];
        if (all.Count == 0)
        {
            throw new TextDataException(path, null, "there are no texts in the file.");
        }

        LabelResolver resolver = LabelResolver.For(path, all.Select(static r => r.Label), classNames);
        int[] ids = new int[all.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = resolver.IdOf(all[i].Label, all[i].Line);
        }

        return new LabeledTexts(all.ConvertAll(static r => r.Text), ids, resolver.ClassNames);
    }

    private static SepReader Open(string path, Sep? sep)
    {
        SepReaderOptions options = (sep is { } s ? s.Reader() : Sep.Auto.Reader()) with { Unescape = true };
        return options.From(path, static p => new StreamReader(p, s_strictUtf8, detectEncodingFromByteOrderMarks: true));
    }

    private static int ColumnIndex(SepReader reader, string path, string column)
    {
        if (reader.Header.TryIndexOf(column, out int index))
        {
            return index;
        }

        throw new TextDataException(path, 1, $"the header has no column '{column}'; its columns are: {string.Join(", ", reader.Header.ColNames)}.");
    }

    private static string? ReadLine(StreamReader file, string path, long line)
    {
        try
        {
            return file.ReadLine();
        }
        catch (DecoderFallbackException e)
        {
            throw new TextDataException(path, line, $"the line is not valid UTF-8 ({e.Message}).", e);
        }
    }

    /// <summary>The <c>.txt</c> files below a class folder, at every depth, sorted by folder path and then by name.</summary>
    private static IEnumerable<string> TextFilesBelow(string folder)
    {
        var folders = new List<string> { folder };
        folders.AddRange(Directory.GetDirectories(folder, "*", SearchOption.AllDirectories));
        folders.Sort(StringComparer.Ordinal);
        foreach (string current in folders)
        {
            string[] files = Directory.GetFiles(current)
                .Where(static f => f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToArray();
            foreach (string file in files)
            {
                yield return file;
            }
        }
    }

    /// <summary>One text file as UTF-8, refused before anything is read when it is larger than the cap.</summary>
    private static string ReadText(string file, long maxBytes)
    {
        long length = new FileInfo(file).Length;
        if (length > maxBytes)
        {
            throw new TextDataException(file, null, $"the file has {length} bytes, more than the cap of {maxBytes} (TextData.FromDirectory's maxFileBytes).");
        }

        try
        {
            return s_strictUtf8.GetString(File.ReadAllBytes(file)).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException e)
        {
            throw new TextDataException(file, null, $"the file is not valid UTF-8 ({e.Message}).", e);
        }
    }

    /// <summary>
    /// How the labels of a source map to class ids: against the given class names (a name, or an id below their count),
    /// or, without names, as class ids when every label is a non-negative integer, else as names in ordinal order.
    /// </summary>
    private sealed class LabelResolver
    {
        /// <summary>Class ids from this on are refused: no classifier has that many classes, and each id names a class.</summary>
        public const int MaxClassId = 1 << 16;

        private readonly string _path;
        private readonly Dictionary<string, int> _ids;
        private readonly bool _acceptIds;

        private LabelResolver(string path, string[] classNames, Dictionary<string, int> ids, bool acceptIds)
        {
            _path = path;
            ClassNames = classNames;
            _ids = ids;
            _acceptIds = acceptIds;
        }

        public string[] ClassNames { get; }

        public static LabelResolver For(string path, IEnumerable<string> labels, IReadOnlyList<string>? classNames)
        {
            if (classNames is not null)
            {
                var byName = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int i = 0; i < classNames.Count; i++)
                {
                    byName.TryAdd(classNames[i], i);
                }

                return new LabelResolver(path, [.. classNames], byName, acceptIds: true);
            }

            string[] distinct = labels.Distinct(StringComparer.Ordinal).ToArray();
            if (distinct.All(static l => TryParseId(l, out _)))
            {
                int max = distinct.Max(static l => TryParseId(l, out int id) ? id : 0);
                if (max >= MaxClassId)
                {
                    throw new TextDataException(path, null, $"the label {max} is a class id of {MaxClassId} or more; class ids count from 0, one per class.");
                }

                string[] names = Enumerable.Range(0, max + 1).Select(static i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
                return new LabelResolver(path, names, [], acceptIds: true);
            }

            string[] sorted = distinct.Where(static l => l.Length > 0).Order(StringComparer.Ordinal).ToArray();
            return new LabelResolver(path, sorted, sorted.Select(static (name, i) => (name, i)).ToDictionary(static p => p.name, static p => p.i, StringComparer.Ordinal), acceptIds: false);
        }

        public int IdOf(string label, long line)
        {
            if (_ids.TryGetValue(label, out int id))
            {
                return id;
            }

            if (_acceptIds && TryParseId(label, out id) && id < ClassNames.Length)
            {
                return id;
            }

            throw new TextDataException(_path, line, label.Length == 0
                ? "the label is empty."
                : $"the label '{label}' is not one of the classes {string.Join(", ", ClassNames)}{(_acceptIds ? $" (nor a class id below {ClassNames.Length})" : string.Empty)}.");
        }

        private static bool TryParseId(string text, out int id) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }
}

/// <summary>One labeled text as a reader found it: the text, the label as written, and the line it starts on.</summary>
public readonly record struct TextRow(string Text, string Label, long Line);
