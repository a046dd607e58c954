using System.Globalization;

namespace RetinaSharp.Data.Conversion;

/// <summary>Coordinates as the shortest text that reads back to the same float.</summary>
internal static class CoordinateText
{
    public static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The float as the double its shortest text denotes (10.1f → 10.1, not 10.100000381…), for JSON.</summary>
    public static double AsDouble(float value) => double.Parse(Format(value), CultureInfo.InvariantCulture);
}
