namespace RnnGen.Data;

/// <summary>
/// The IMDB reviews tokenized once, before any <see cref="ImdbOptions"/> applies: the training vocabulary and, per split in
/// path order, every review's Keras word ids (no start id, no <c>num_words</c>/<c>skip_top</c> limit, no padding) with its
/// sentiment and rating class. This is what <see cref="EncodedCache"/> stores, so one cache file serves every sequence
/// length, vocabulary limit, padding, truncation, shuffle seed and label kind.
/// </summary>
internal sealed record TokenizedImdb(Vocabulary Vocabulary, TokenizedSplit Train, TokenizedSplit Test)
{
    /// <summary>Tokenizes reviews already read; the vocabulary is ranked over the training split only.</summary>
    public static TokenizedImdb From(ImdbReviews reviews)
    {
        (int[][] words, WordTable table) = Tokenize([.. reviews.Train, .. reviews.Test], reviews.Train.Count);
        (Vocabulary vocabulary, int[] kerasIds) = table.Rank();
        return new TokenizedImdb(
            vocabulary,
            TokenizedSplit.From(words.AsSpan(0, reviews.Train.Count), reviews.Train, kerasIds),
            TokenizedSplit.From(words.AsSpan(reviews.Train.Count), reviews.Test, kerasIds));
    }

    /// <summary>
    /// The provisional word ids of every review, and the table they refer to. Tokenizing is most of a cold load, so contiguous
    /// chunks are tokenized in parallel into tables of their own, then merged; the ranking depends only on the merged counts,
    /// so the result does not depend on the number of chunks.
    /// </summary>
    private static (int[][] Words, WordTable Table) Tokenize(Review[] reviews, int trainingCount)
    {
        int chunks = Math.Clamp(reviews.Length / 1000, 1, Math.Min(Environment.ProcessorCount, 16));
        int[][] words = new int[reviews.Length][];
        var tables = new WordTable[chunks];
        Parallel.For(0, chunks, chunk =>
        {
            var table = new WordTable();
            for (int i = ChunkStart(chunk); i < ChunkStart(chunk + 1); i++)
            {
                words[i] = table.Add(reviews[i].Text, isTraining: i < trainingCount);
            }

            tables[chunk] = table;
        });

        WordTable merged = tables[0];
        for (int chunk = 1; chunk < chunks; chunk++)
        {
            int[] map = merged.Merge(tables[chunk]);
            for (int i = ChunkStart(chunk); i < ChunkStart(chunk + 1); i++)
            {
                int[] ids = words[i];
                for (int j = 0; j < ids.Length; j++)
                {
                    ids[j] = map[ids[j]];
                }
            }
        }

        return (words, merged);

        int ChunkStart(int chunk) => (int)((long)reviews.Length * chunk / chunks);
    }
}

/// <summary>
/// One split's reviews as Keras word ids, all in one array: review <c>i</c> is <c>Ids[Offsets[i]..Offsets[i + 1]]</c>, with
/// its sentiment <c>Labels[i]</c> (0 or 1) and rating class <c>RatingClasses[i]</c> (an index into
/// <see cref="ImdbReader.RatingStars"/>, or <see cref="NoRating"/> when its file name carries none).
/// </summary>
internal sealed class TokenizedSplit
{
    /// <summary>The rating class of a review whose file name gives no rating its folder allows.</summary>
    public const byte NoRating = byte.MaxValue;

    public TokenizedSplit(int[] ids, int[] offsets, byte[] labels, byte[] ratingClasses)
    {
        Ids = ids;
        Offsets = offsets;
        Labels = labels;
        RatingClasses = ratingClasses;
    }

    public int[] Ids { get; }

    /// <summary><c>Count + 1</c> ascending offsets into <see cref="Ids"/>, from 0 to <c>Ids.Length</c>.</summary>
    public int[] Offsets { get; }

    public byte[] Labels { get; }

    public byte[] RatingClasses { get; }

    public int Count => Labels.Length;

    /// <summary>Whether every review has a rating class, so the split can be labeled by <see cref="ImdbLabels.Rating"/>.</summary>
    public bool HasEveryRating => Array.IndexOf(RatingClasses, NoRating) < 0;

    /// <summary>The longest review, in words.</summary>
    public int LongestReview
    {
        get
        {
            int longest = 0;
            for (int i = 0; i < Count; i++)
            {
                longest = Math.Max(longest, Offsets[i + 1] - Offsets[i]);
            }

            return longest;
        }
    }

    public ReadOnlySpan<int> Review(int index) => Ids.AsSpan(Offsets[index], Offsets[index + 1] - Offsets[index]);

    public static TokenizedSplit From(ReadOnlySpan<int[]> words, IReadOnlyList<Review> reviews, int[] kerasIds)
    {
        int[] offsets = new int[words.Length + 1];
        for (int i = 0; i < words.Length; i++)
        {
            offsets[i + 1] = checked(offsets[i] + words[i].Length);
        }

        int[] ids = new int[offsets[^1]];
        byte[] labels = new byte[words.Length];
        byte[] ratingClasses = new byte[words.Length];
        for (int i = 0; i < words.Length; i++)
        {
            Span<int> review = ids.AsSpan(offsets[i], words[i].Length);
            for (int j = 0; j < review.Length; j++)
            {
                review[j] = kerasIds[words[i][j]];
            }

            labels[i] = reviews[i].Label is 0 or 1 ? (byte)reviews[i].Label
                : throw new ArgumentException($"The review '{reviews[i].Path}' has the label {reviews[i].Label}; a label is 0 (negative) or 1 (positive).", nameof(reviews));
            int rating = ImdbReader.TryRatingClassOf(reviews[i]);
            ratingClasses[i] = rating < 0 ? NoRating : (byte)rating;
        }

        return new TokenizedSplit(ids, offsets, labels, ratingClasses);
    }
}
