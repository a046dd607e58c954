namespace RetinaSharp.Data.Transforms;

/// <summary>One image after the transform: normalised CHW floats at the resized size.</summary>
public sealed record TransformedImage(float[] Chw, int Height, int Width, int OriginalHeight, int OriginalWidth);
