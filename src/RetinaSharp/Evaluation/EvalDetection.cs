namespace RetinaSharp.Evaluation;

/// <summary>A detection as the matcher needs it; its area is always width × height.</summary>
internal readonly struct EvalDetection(int imageIndex, double x, double y, double width, double height, double score)
{
    public readonly int ImageIndex = imageIndex;
    public readonly double X = x, Y = y, Width = width, Height = height;
    public readonly double Score = score;
    public double Area => Width * Height;
}
