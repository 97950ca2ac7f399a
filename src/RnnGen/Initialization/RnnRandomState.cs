using System.Globalization;

namespace RnnGen.Initialization;

/// <summary>
/// The 256-bit state of an <see cref="RnnRandom"/>. Its text form is 64 hexadecimal digits (S0 to S3), the form
/// checkpoints store it in.
/// </summary>
public readonly record struct RnnRandomState(ulong S0, ulong S1, ulong S2, ulong S3)
{
    /// <summary>The 64-digit hexadecimal form, S0 first.</summary>
    public override string ToString() => $"{S0:x16}{S1:x16}{S2:x16}{S3:x16}";

    /// <summary>Parses the form written by <see cref="ToString"/>.</summary>
    public static RnnRandomState Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != 64)
        {
            throw new FormatException($"An RnnRandom state is 64 hexadecimal digits, not '{text}'.");
        }

        return new RnnRandomState(Word(text, 0), Word(text, 1), Word(text, 2), Word(text, 3));

        static ulong Word(string text, int index) =>
            ulong.TryParse(text.AsSpan(index * 16, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
                ? value
                : throw new FormatException($"An RnnRandom state is 64 hexadecimal digits, not '{text}'.");
    }
}
