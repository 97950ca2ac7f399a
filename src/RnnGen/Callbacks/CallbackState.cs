using System.Globalization;

namespace RnnGen.Callbacks;

/// <summary>
/// What a callback carries from one epoch to the next (EarlyStopping's best value, wait count and best weights), saved
/// in training checkpoints beside the training position so that a resumed run continues exactly as if it had never
/// stopped. Values are invariant-culture strings; tensors are float arrays, stored as 1-D F32 tensors.
/// </summary>
/// <param name="Values">Named scalars, as the callback formats them.</param>
/// <param name="Tensors">Named float arrays.</param>
public sealed record CallbackState(IReadOnlyDictionary<string, string> Values, IReadOnlyDictionary<string, float[]> Tensors)
{
    /// <summary>The saved count <paramref name="key"/> of <paramref name="owner"/>'s state (a non-negative integer).</summary>
    /// <exception cref="FormatException">The value is missing or is not a count; the message names the owner and key.</exception>
    internal int ReadCount(string owner, string key) => Read(owner, key, ParseCount);

    /// <summary>A count as the callbacks write it: invariant digits only.</summary>
    internal static int ParseCount(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The saved number <paramref name="key"/> of <paramref name="owner"/>'s state, as written with "R".</summary>
    /// <exception cref="FormatException">The value is missing or is not a number; the message names the owner and key.</exception>
    internal double ReadNumber(string owner, string key) =>
        Read(owner, key, static text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));

    /// <summary>The saved value <paramref name="key"/> of <paramref name="owner"/>'s state, read by <paramref name="parse"/>.</summary>
    /// <exception cref="FormatException">The value is missing or <paramref name="parse"/> rejects it; the message names the owner and key.</exception>
    internal T Read<T>(string owner, string key, Func<string, T> parse)
    {
        string text = Values.GetValueOrDefault(key) ?? throw new FormatException($"{owner}'s saved state lacks '{key}'.");
        try
        {
            return parse(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new FormatException($"{owner}'s saved '{key}' is '{text}', which is not a valid value.", e);
        }
    }
}
