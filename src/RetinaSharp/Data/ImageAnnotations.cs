using RetinaSharp.Structures;

namespace RetinaSharp.Data;

/// <summary>
/// The annotations of one image in pixel coordinates of the stored image: boxes with contiguous
/// labels 0..K−1, and ignore regions (COCO crowd boxes, VOC difficult objects) that a matcher must
/// neither count as targets nor as background. Arrays are shared: treat them as read-only. (The
/// loss takes a <see cref="DetectionTarget"/>, in network-input coordinates.)
/// </summary>
public sealed class ImageAnnotations
{
    public ImageAnnotations(Box[] boxes, int[] labels, Box[] ignoreBoxes, int[] ignoreLabels)
    {
        if (boxes.Length != labels.Length) throw new ArgumentException($"{boxes.Length} boxes but {labels.Length} labels.", nameof(labels));
        if (ignoreBoxes.Length != ignoreLabels.Length) throw new ArgumentException($"{ignoreBoxes.Length} ignore boxes but {ignoreLabels.Length} labels.", nameof(ignoreLabels));
        Boxes = boxes;
        Labels = labels;
        IgnoreBoxes = ignoreBoxes;
        IgnoreLabels = ignoreLabels;
    }

    public static ImageAnnotations Empty { get; } = new([], [], [], []);

    public Box[] Boxes { get; }
    public int[] Labels { get; }

    /// <summary>Regions to ignore; each keeps the label of its object (evaluation may need it).</summary>
    public Box[] IgnoreBoxes { get; }
    public int[] IgnoreLabels { get; }
}
