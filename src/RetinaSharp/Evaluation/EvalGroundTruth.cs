namespace RetinaSharp.Evaluation;

/// <summary>A ground-truth box as the matcher needs it; <see cref="Area"/> decides its size range.</summary>
internal readonly struct EvalGroundTruth(int imageIndex, long id, double x, double y, double width, double height, double area, bool crowd)
{
    public readonly int ImageIndex = imageIndex;
    public readonly long Id = id;
    public readonly double X = x, Y = y, Width = width, Height = height;
    public readonly double Area = area;
    public readonly bool Crowd = crowd;
}
