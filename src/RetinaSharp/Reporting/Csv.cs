using System.Globalization;

namespace RetinaSharp.Reporting;

/// <summary>CSV cells as spreadsheets and pandas read them: RFC 4180 quoting, invariant numbers, empty for missing.</summary>
internal static class Csv
{
    public static string Field(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    /// <summary>A number with up to 6 decimals; empty when it is not finite or is negative where that means "undefined".</summary>
    public static string Number(double v, bool negativeIsMissing = false) =>
        !double.IsFinite(v) || (negativeIsMissing && v < 0) ? "" : v.ToString("0.######", CultureInfo.InvariantCulture);
}
