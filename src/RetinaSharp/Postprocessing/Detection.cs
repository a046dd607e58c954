namespace RetinaSharp.Postprocessing;

/// <summary>One detected object: a box (x1, y1, x2, y2) in image pixels, a score and a class index (0..K−1).</summary>
public readonly record struct Detection(float X1, float Y1, float X2, float Y2, float Score, int Label)
{
    public float Width => X2 - X1;
    public float Height => Y2 - Y1;
}
