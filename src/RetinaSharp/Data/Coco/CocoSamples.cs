using RetinaSharp.Training;

namespace RetinaSharp.Data.Coco;

/// <summary>
/// A COCO data set as training/evaluation samples, keeping the parsed file as the ground truth for
/// the COCO metrics. Reading, validation and the bad-sample policy are <see cref="CocoDetectionDataset"/>'s:
/// categories map to contiguous labels in id order, crowd boxes become ignore regions, images
/// without annotations stay as negatives.
/// </summary>
public sealed class CocoSamples : IDetectionSamples
{
    private readonly DatasetSamples _samples;

    public CocoSamples(CocoFile file, string annotationFile, string imageRoot, DatasetOptions? options = null)
    {
        File_ = file;
        Dataset = CocoDetectionDataset.FromFile(file, annotationFile, imageRoot, options);
        _samples = new DatasetSamples(Dataset);
        CategoryIds = [.. Dataset.Classes.Select(c => c.CategoryId)];
    }

    public static CocoSamples Load(string jsonPath, string? imageRoot = null, DatasetOptions? options = null) =>
        new(CocoFile.Load(jsonPath), jsonPath, imageRoot ?? Path.GetDirectoryName(Path.GetFullPath(jsonPath))!, options);

    /// <summary>The parsed file (ground truth for COCO evaluation).</summary>
    public CocoFile File_ { get; }

    public CocoDetectionDataset Dataset { get; }

    /// <summary>COCO category id by contiguous label.</summary>
    public long[] CategoryIds { get; }

    IReadOnlyList<long> IDetectionSamples.CategoryIds => CategoryIds;

    public IReadOnlyList<string> ClassNames => _samples.ClassNames;

    public int Count => _samples.Count;

    public (int Width, int Height) Size(int index) => _samples.Size(index);

    public long ImageId(int index) => _samples.ImageId(index);

    public DetectionSample Load(int index) => _samples.Load(index);
}
