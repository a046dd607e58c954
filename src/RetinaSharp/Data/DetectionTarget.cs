namespace RetinaSharp.Data;

/// <summary>
/// Ground truth of one image in network-input coordinates: boxes (x1, y1, x2, y2), four floats each,
/// their class labels (0..K−1), and regions to ignore (crowd boxes, difficult objects).
/// </summary>
public sealed record DetectionTarget(float[] Boxes, int[] Labels, float[] IgnoreRegions)
{
    public static DetectionTarget Empty { get; } = new([], [], []);

    public int Count => Labels.Length;
}
