using RetinaSharp.Data.Transforms;
using RetinaSharp.Structures;

namespace RetinaSharp.Data.Loading;

/// <summary>
/// One image of a batch: where it came from, its sizes, and its annotations in the coordinates of
/// the resized (and, if <see cref="Flipped"/>, mirrored) image inside the batch tensor.
/// </summary>
/// <param name="SampleIndex">Index in the data set (position in the input list for ad-hoc batches).</param>
/// <param name="ImageId">The data set's image id.</param>
/// <param name="OriginalSize">Size of the decoded image.</param>
/// <param name="ResizedSize">Size of the image in the batch before padding (torchvision's image_sizes).</param>
/// <param name="Flipped">Whether the image (and its boxes) were mirrored left-right.</param>
/// <param name="Boxes">Target boxes, resized coordinates.</param>
/// <param name="Labels">Target labels 0..K−1.</param>
/// <param name="IgnoreBoxes">Regions to ignore, resized coordinates.</param>
/// <param name="IgnoreLabels">Labels of the ignore regions.</param>
public sealed record BatchItem(
    int SampleIndex,
    long ImageId,
    ImageSize OriginalSize,
    ImageSize ResizedSize,
    bool Flipped,
    Box[] Boxes,
    int[] Labels,
    Box[] IgnoreBoxes,
    int[] IgnoreLabels)
{
    /// <summary>
    /// Maps boxes predicted on this batch image back to the original image: scaled by
    /// original/resized per axis (torchvision's postprocess), then un-mirrored if the image was flipped.
    /// </summary>
    public Box[] ToOriginal(ReadOnlySpan<Box> boxes)
    {
        var scaled = DetectionTransform.ScaleBoxes(boxes, ResizedSize, OriginalSize);
        return Flipped ? DetectionTransform.FlipBoxes(scaled, OriginalSize.Width) : scaled;
    }

    /// <summary><see cref="ToOriginal(ReadOnlySpan{Box})"/> for one box.</summary>
    public Box ToOriginal(Box box) => ToOriginal([box])[0];

    /// <summary>The targets as the loss takes them, in batch coordinates.</summary>
    public DetectionTarget ToTarget() => new(Boxes, Labels, IgnoreBoxes);
}
