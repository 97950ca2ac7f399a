using System.Text;

namespace RnnGen.Data.Tests;

/// <summary>The readers of the user's labeled text: folders, CSV/TSV and JSON Lines, and their errors.</summary>
public class TextDataTests
{
    [Fact]
    public void A_folder_gives_one_class_per_sorted_subfolder_and_reads_every_txt_file_below_it()
    {
        using var temp = new TempFolder();
        Write(temp.Combine("pos", "b.txt"), "good");
        Write(temp.Combine("pos", "a.TXT"), "great");
        Write(temp.Combine("pos", "deeper", "c.txt"), "fine");
        Write(temp.Combine("pos", "notes.md"), "ignored");
        Write(temp.Combine("neg", "z.txt"), "bad");
        Write(temp.Combine(".git", "x.txt"), "hidden folder, ignored");
        Write(temp.Combine("loose.txt"), "a file directly in the folder, ignored");

        LabeledTexts data = TextData.FromDirectory(temp.Path);

        Assert.Equal(["neg", "pos"], data.ClassNames);
        Assert.Equal(["bad", "great", "good", "fine"], data.Texts); // sorted by folder path, then name (ordinal: 'a.TXT' < 'b.txt')
        Assert.Equal([0, 1, 1, 1], data.Labels);
    }

    [Fact]
    public void Given_class_names_pick_a_subset_in_their_order_and_a_missing_one_is_an_error()
    {
        using var temp = new TempFolder();
        Write(temp.Combine("neg", "1.txt"), "bad");
        Write(temp.Combine("pos", "1.txt"), "good");
        Write(temp.Combine("unsup", "1.txt"), "unlabeled");

        LabeledTexts data = TextData.FromDirectory(temp.Path, ["pos", "neg"]);
        Assert.Equal(["good", "bad"], data.Texts);
        Assert.Equal([0, 1], data.Labels);

        var error = Assert.Throws<TextDataException>(() => TextData.FromDirectory(temp.Path, ["neg", "neutral"]));
        Assert.Contains("'neutral' has no subfolder; the subfolders are: neg, pos, unsup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_file_that_is_not_utf8_or_too_large_is_named()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("a"));
        File.WriteAllBytes(temp.Combine("a", "bad.txt"), [0x66, 0xC3, 0x28]);
        var error = Assert.Throws<TextDataException>(() => TextData.FromDirectory(temp.Path));
        Assert.EndsWith("bad.txt", error.Path, StringComparison.Ordinal);
        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);

        File.WriteAllText(temp.Combine("a", "bad.txt"), new string('x', 2000));
        error = Assert.Throws<TextDataException>(() => TextData.FromDirectory(temp.Path, maxFileBytes: 1000));
        Assert.Contains("2000 bytes, more than the cap of 1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_fields_follow_rfc4180_and_name_labels_become_sorted_classes()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("tickets.csv");
        File.WriteAllText(path, "id,text,team\n1,\"Printer, on floor 2, says \"\"paper\"\"\nthen stops\",hardware\n2,VPN drops,network\n3,Mouse,hardware\n");

        LabeledTexts data = TextData.FromCsv(path, "text", "team");

        Assert.Equal(["Printer, on floor 2, says \"paper\"\nthen stops", "VPN drops", "Mouse"], data.Texts);
        Assert.Equal(["hardware", "network"], data.ClassNames);
        Assert.Equal([0, 1, 0], data.Labels);
    }

    [Fact]
    public void Tsv_with_integer_labels_gives_class_ids()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("stars.tsv");
        File.WriteAllText(path, "label\ttext\n2\ttwo stars\n0\tnone, at all\n4\tfour\n");

        LabeledTexts data = TextData.FromCsv(path);

        Assert.Equal(["0", "1", "2", "3", "4"], data.ClassNames);
        Assert.Equal([2, 0, 4], data.Labels);
        Assert.Equal("none, at all", data.Texts[1]);
    }

    [Fact]
    public void Csv_errors_name_the_file_the_line_and_the_problem()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("data.csv");
        File.WriteAllText(path, "body,label\nhello,a\n");
        var error = Assert.Throws<TextDataException>(() => TextData.FromCsv(path));
        Assert.Contains("no column 'text'; its columns are: body, label", error.Message, StringComparison.Ordinal);

        File.WriteAllText(path, "text,label\nhello,a\nworld,b,extra\n");
        error = Assert.Throws<TextDataException>(() => TextData.FromCsv(path));
        Assert.Contains("3 column(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("world,b,extra", error.Message, StringComparison.Ordinal);

        File.WriteAllText(path, "text,label\nhello,a\nworld,c\n");
        error = Assert.Throws<TextDataException>(() => TextData.FromCsv(path, classNames: ["a", "b"]));
        Assert.Equal(3, error.Line);
        Assert.Contains("'c' is not one of the classes a, b", error.Message, StringComparison.Ordinal);

        File.WriteAllBytes(path, [.. "text,label\nh"u8, 0xFF, .. ",a\n"u8]);
        error = Assert.Throws<TextDataException>(() => TextData.FromCsv(path));
        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_lines_take_names_or_ids_and_skip_blank_lines()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("intents.jsonl");
        File.WriteAllText(path, "{\"text\": \"book a table\", \"label\": \"booking\"}\n\n{\"text\": \"what's the weather\", \"label\": 0}\n");

        LabeledTexts data = TextData.FromJsonLines(path, classNames: ["weather", "booking"]);

        Assert.Equal(["book a table", "what's the weather"], data.Texts);
        Assert.Equal([1, 0], data.Labels);
    }

    [Theory]
    [InlineData("{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\" \"label\": 0}\n", 2, "not valid JSON")]
    [InlineData("{\"text\": \"a\", \"label\": 1}\n[1, 2]\n", 2, "a Array where an object")]
    [InlineData("{\"label\": 1}\n", 1, "no string field \"text\"")]
    [InlineData("{\"text\": \"a\"}\n", 1, "no field \"label\"")]
    [InlineData("{\"text\": \"a\", \"label\": 1.5}\n", 1, "the label is 1.5; it must be a class name")]
    public void Json_lines_errors_name_the_line(string content, int line, string problem)
    {
        using var temp = new TempFolder();
        string path = temp.Combine("bad.jsonl");
        File.WriteAllText(path, content);
        var error = Assert.Throws<TextDataException>(() => TextData.FromJsonLines(path));
        Assert.Equal(line, error.Line);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{path}, line {line}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_or_negative_class_id_is_refused_before_anything_is_built()
    {
        using var temp = new TempFolder();
        string csv = temp.Combine("ids.csv");
        File.WriteAllText(csv, "text,label\na,0\nb,1700000000\n");
        var error = Assert.Throws<TextDataException>(() => TextData.FromCsv(csv)); // was 1.7e9 class names, out of memory
        Assert.Contains("the label 1700000000 is a class id of 65536 or more", error.Message, StringComparison.Ordinal);

        string jsonl = temp.Combine("ids.jsonl");
        File.WriteAllText(jsonl, "{\"text\": \"a\", \"label\": 0}\n{\"text\": \"b\", \"label\": -1}\n");
        error = Assert.Throws<TextDataException>(() => TextData.FromJsonLines(jsonl)); // was: silently names "-1", "0"
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void A_json_lines_file_with_a_byte_order_mark_reads_and_a_missing_folder_is_named()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("bom.jsonl");
        File.WriteAllText(path, "{\"text\": \"hi\", \"label\": \"a\"}\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(["hi"], TextData.FromJsonLines(path).Texts); // was: "not valid JSON" at line 1

        string missing = temp.Combine("no-such-folder", "data.csv");
        var error = Assert.Throws<TextDataException>(() => TextData.FromCsv(missing)); // was: DirectoryNotFoundException
        Assert.Contains("the file does not exist", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<TextDataException>(() => TextData.FromJsonLines(temp.Combine("no-such-folder", "data.jsonl")));
        Assert.Equal(temp.Combine("no-such-folder", "data.jsonl"), error.Path);
    }

    [Fact]
    public void A_validation_split_is_seeded_and_takes_the_last_fraction()
    {
        var data = new LabeledTexts(Enumerable.Range(0, 10).Select(static i => $"t{i}").ToArray(), Enumerable.Range(0, 10).Select(static i => i % 2).ToArray(), ["a", "b"]);
        (LabeledTexts train, LabeledTexts validation) = data.Split(0.25, seed: 3);
        (LabeledTexts again, _) = data.Split(0.25, seed: 3);
        (LabeledTexts other, _) = data.Split(0.25, seed: 4);

        Assert.Equal(8, train.Count);
        Assert.Equal(2, validation.Count); // int(0.25 · 10)
        Assert.Equal(train.Texts, again.Texts);
        Assert.NotEqual(train.Texts, other.Texts);
        Assert.Equal(data.Texts.Order(), train.Texts.Concat(validation.Texts).Order());
    }

    [Fact]
    public void Streaming_two_passes_give_what_reading_everything_gives()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("big.jsonl");
        var random = new Random(5);
        string[] words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"];
        File.WriteAllLines(path, Enumerable.Range(0, 300).Select(i =>
            $"{{\"text\": \"{string.Join(' ', Enumerable.Range(0, 1 + random.Next(12)).Select(_ => words[random.Next(words.Length)]))}\", \"label\": \"{(i % 3 == 0 ? "spam" : "ham")}\"}}"));

        (SequenceDataset streamed, Text.TextVectorizer vectorizer, IReadOnlyList<string> classes) =
            TextData.AdaptAndEncode(path, () => TextData.ReadJsonLines(path), maxTokens: 6, sequenceLength: 5);

        LabeledTexts all = TextData.FromJsonLines(path);
        Text.TextVectorizer expected = Text.TextVectorizer.Adapt(all.Texts, maxTokens: 6, sequenceLength: 5);
        Assert.Equal(expected.Vocabulary, vectorizer.Vocabulary);
        Assert.Equal(all.ClassNames, classes);
        Assert.Equal(all.Encode(expected).Tokens, streamed.Tokens);
        Assert.Equal(all.Encode(expected).Labels, streamed.Labels);

        int pass = 0;
        var error = Assert.Throws<TextDataException>(() => TextData.AdaptAndEncode(path, () => pass++ == 0 ? TextData.ReadJsonLines(path) : TextData.ReadJsonLines(path).Skip(1), 6, 5));
        Assert.Contains("the source changed while it was read", error.Message, StringComparison.Ordinal);
    }

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(false));
    }
}
