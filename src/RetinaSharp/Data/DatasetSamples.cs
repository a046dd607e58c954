using System.Runtime.InteropServices;
using RetinaSharp.Training;

namespace RetinaSharp.Data;

/// <summary>
/// Presents any <see cref="IDetectionDataset"/> (COCO, VOC, CSV) as the training code's
/// <see cref="IDetectionSamples"/>: flat (x1, y1, x2, y2) boxes in original pixels.
/// </summary>
public sealed class DatasetSamples(IDetectionDataset dataset) : IDetectionSamples
{
    private readonly string[] _classNames = [.. dataset.Classes.Select(c => c.Name)];

    public IDetectionDataset Dataset => dataset;

    public int Count => dataset.Count;

    public IReadOnlyList<string> ClassNames => _classNames;

    public IReadOnlyList<long> CategoryIds { get; } = [.. dataset.Classes.Select(c => c.CategoryId)];

    public (int Width, int Height) Size(int index)
    {
        var size = dataset.GetInfo(index).Size;
        return (size.Width, size.Height);
    }

    public long ImageId(int index) => dataset.GetInfo(index).ImageId;

    public DetectionSample Load(int index)
    {
        var annotations = dataset.GetAnnotations(index);
        return new DetectionSample(dataset.GetInfo(index).ImageId, dataset.LoadImage(index),
            MemoryMarshal.Cast<Box, float>(annotations.Boxes.AsSpan()).ToArray(), annotations.Labels,
            MemoryMarshal.Cast<Box, float>(annotations.IgnoreBoxes.AsSpan()).ToArray());
    }
}
