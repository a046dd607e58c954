namespace RetinaSharp.Data.Conversion;

/// <summary>What a conversion wrote, and what the target format could not hold.</summary>
/// <param name="Images">Images written (every image of the data set, with or without boxes).</param>
/// <param name="Boxes">Boxes written.</param>
/// <param name="IgnoreRegions">Ignore regions written (crowd or difficult objects).</param>
/// <param name="IgnoreRegionsDropped">Ignore regions the format cannot express (CSV has none).</param>
/// <param name="ImagesCopied">Image files copied into the output.</param>
public sealed record ConversionResult(int Images, int Boxes, int IgnoreRegions, int IgnoreRegionsDropped, int ImagesCopied = 0);
