using System.Globalization;
using System.Text;
using System.Text.Json;
using nietras.SeparatedValues;

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
        char? separator = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Sep? sep = separator is { } c ? new Sep(c)
            : path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? new Sep('\t')
            : null;
        var texts = new List<string>();
        var labels = new LabelCollector(path, classNames);
        try
        {
            using SepReader reader = Open(path, sep);
            int text = ColumnIndex(reader, path, textColumn);
            int label = ColumnIndex(reader, path, labelColumn);
            foreach (SepReader.Row row in reader)
            {
                texts.Add(row[text].ToString());
                labels.Add(row[label].ToString(), row.LineNumberFrom);
            }
        }
        catch (InvalidDataException e)
        {
            throw new TextDataException(path, null, e.Message, e); // Sep names the row and lines of a malformed row
        }
        catch (DecoderFallbackException e)
        {
            throw new TextDataException(path, null, $"the file is not valid UTF-8 ({e.Message}).", e);
        }
        catch (FileNotFoundException e)
        {
            throw new TextDataException(path, null, "the file does not exist.", e);
        }

        return Finish(path, texts, labels);
    }

    /// <summary>
    /// A JSON Lines file: one object per line with the text in <paramref name="textField"/> (a string) and the label in
    /// <paramref name="labelField"/> (a class name as a string, or a class id as an integer); blank lines are skipped.
    /// </summary>
    public static LabeledTexts FromJsonLines(string path, string textField = "text", string labelField = "label", IReadOnlyList<string>? classNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var texts = new List<string>();
        var labels = new LabelCollector(path, classNames);
        StreamReader file;
        try
        {
            file = new StreamReader(path, s_strictUtf8, detectEncodingFromByteOrderMarks: false);
        }
        catch (FileNotFoundException e)
        {
            throw new TextDataException(path, null, "the file does not exist.", e);
        }

        using (file)
        {
            long line = 0;
            while (ReadLine(file, path, line + 1) is { } text)
            {
                line++;
                if (string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

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

                    texts.Add(value.GetString()!);
                    if (!root.TryGetProperty(labelField, out JsonElement label))
                    {
                        throw new TextDataException(path, line, $"the object has no field \"{labelField}\".");
                    }

                    string labelText = label.ValueKind switch
                    {
                        JsonValueKind.String => label.GetString()!,
                        JsonValueKind.Number when label.TryGetInt32(out int id) => id.ToString(CultureInfo.InvariantCulture),
                        _ => throw new TextDataException(path, line, $"the label is {label.GetRawText()}; it must be a class name (a string) or a class id (an integer)."),
                    };
                    labels.Add(labelText, line);
                }
            }
        }

        return Finish(path, texts, labels);
    }

    private static LabeledTexts Finish(string path, List<string> texts, LabelCollector labels)
    {
        if (texts.Count == 0)
        {
            throw new TextDataException(path, null, "there are no texts in the file.");
        }

        (int[] ids, string[] classes) = labels.Resolve();
        return new LabeledTexts(texts, ids, classes);
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
    /// The labels of a file, resolved once it is read: against the given class names (a name, or an id below their count),
    /// or, without names, as class ids when every label is a non-negative integer, else as names sorted by ordinal order.
    /// </summary>
    private sealed class LabelCollector(string path, IReadOnlyList<string>? classNames)
    {
        private readonly List<(string Text, long Line)> _labels = [];

        public void Add(string text, long line) => _labels.Add((text, line));

        public (int[] Ids, string[] Classes) Resolve()
        {
            int[] ids = new int[_labels.Count];
            if (classNames is not null)
            {
                var byName = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int i = 0; i < classNames.Count; i++)
                {
                    byName.TryAdd(classNames[i], i);
                }

                for (int i = 0; i < ids.Length; i++)
                {
                    (string text, long line) = _labels[i];
                    ids[i] = byName.TryGetValue(text, out int id) ? id
                        : TryParseId(text, out id) && id < classNames.Count ? id
                        : throw new TextDataException(path, line, $"the label '{text}' is not one of the classes {string.Join(", ", classNames)} (nor a class id below {classNames.Count}).");
                }

                return (ids, [.. classNames]);
            }

            if (_labels.TrueForAll(static l => TryParseId(l.Text, out _)))
            {
                int max = 0;
                for (int i = 0; i < ids.Length; i++)
                {
                    TryParseId(_labels[i].Text, out ids[i]);
                    max = Math.Max(max, ids[i]);
                }

                return (ids, Enumerable.Range(0, max + 1).Select(static i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
            }

            foreach ((string text, long line) in _labels)
            {
                if (text.Length == 0)
                {
                    throw new TextDataException(path, line, "the label is empty.");
                }
            }

            string[] classes = _labels.Select(static l => l.Text).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            var index = classes.Select(static (name, i) => (name, i)).ToDictionary(static p => p.name, static p => p.i, StringComparer.Ordinal);
            for (int i = 0; i < ids.Length; i++)
            {
                ids[i] = index[_labels[i].Text];
            }

            return (ids, classes);
        }

        private static bool TryParseId(string text, out int id) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }
}
