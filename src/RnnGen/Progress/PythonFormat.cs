using System.Globalization;

namespace RnnGen.Progress;

/// <summary>
/// Python's <c>%.Nf</c> and <c>%.Ne</c> as Keras' progress bar uses them. .NET's <c>F</c> and <c>E</c> formats already
/// round the exact binary value and send exact ties to even as Python does (<c>'%.4f' % 0.53125</c> is <c>0.5312</c>,
/// <c>'%.0f' % 10.5</c> is <c>10</c>); what differs is the spelling of <c>nan</c> and <c>inf</c> and the exponent,
/// which Python writes with at least two digits and a lower-case <c>e</c> (<c>9.7656e-04</c>).
/// </summary>
internal static class PythonFormat
{
    /// <summary><c>'%.{decimals}f' % value</c>.</summary>
    public static string Fixed(double value, int decimals) =>
        double.IsFinite(value)
            ? value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            : NonFinite(value);

    /// <summary><c>'%.{decimals}e' % value</c>: one digit, the decimals, then <c>e</c>, a sign and at least two exponent digits.</summary>
    public static string Exponent(double value, int decimals)
    {
        if (!double.IsFinite(value))
        {
            return NonFinite(value);
        }

        string text = value.ToString("E" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int e = text.IndexOf('E');
        int exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{text.AsSpan(0, e)}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}");
    }

    /// <summary>A metric as Keras' progress bar prints it: <c>%.4f</c>, or <c>%.4e</c> when <c>|v| ≤ 1e-3</c>.</summary>
    public static string Metric(double value) => Math.Abs(value) > 1e-3 ? Fixed(value, 4) : Exponent(value, 4);

    private static string NonFinite(double value) => double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
}
