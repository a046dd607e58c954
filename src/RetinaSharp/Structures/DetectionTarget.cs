namespace RetinaSharp.Structures;

/// <summary>
/// Ground truth of one image in network-input coordinates: boxes, their class labels (0..K−1), and
/// regions to ignore (crowd boxes, difficult objects).
/// </summary>
public sealed record DetectionTarget(Box[] Boxes, int[] Labels, Box[] IgnoreRegions)
{
    public static DetectionTarget Empty { get; } = new([], [], []);

    public int Count => Labels.Length;
}
