using RetinaSharp.Imaging;

namespace RetinaSharp.Training;

/// <summary>One annotated image in its original pixel coordinates.</summary>
/// <param name="Boxes">(x1, y1, x2, y2) per object, four floats each.</param>
/// <param name="Labels">Contiguous class index (0..K−1) per object.</param>
/// <param name="IgnoreRegions">Boxes whose anchors are neither foreground nor background (crowds, difficult objects).</param>
public sealed record DetectionSample(long ImageId, RgbImage Image, float[] Boxes, int[] Labels, float[] IgnoreRegions);

/// <summary>What training and evaluation read: a fixed list of images with their annotations.</summary>
public interface IDetectionSamples
{
    int Count { get; }

    /// <summary>Class names by contiguous label.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>The data set's own category id of each contiguous label (COCO category ids, VOC/CSV class ids).</summary>
    IReadOnlyList<long> CategoryIds { get; }

    /// <summary>The (width, height) of sample i without decoding it (for aspect-ratio grouping).</summary>
    (int Width, int Height) Size(int index);

    long ImageId(int index);

    /// <summary>Decodes sample i. Safe to call from several threads.</summary>
    DetectionSample Load(int index);
}
