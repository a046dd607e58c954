namespace RetinaSharp.Data;

/// <summary>
/// Where a data set is and what goes with it: a COCO JSON file (plus <see cref="Images"/>), a
/// VOC folder (plus <see cref="Split"/>), or a CSV file (plus <see cref="Classes"/>).
/// </summary>
public sealed record DatasetSpec(string Path)
{
    /// <summary>Format; detected from <see cref="Path"/> when null.</summary>
    public DatasetFormat? Format { get; init; }

    /// <summary>COCO: image folder (default: the JSON file's folder).</summary>
    public string? Images { get; init; }

    /// <summary>CSV: the class,id file (default: classes.csv beside the CSV). VOC: a file of class names, one per line.</summary>
    public string? Classes { get; init; }

    /// <summary>VOC: the split in ImageSets/Main (default: trainval).</summary>
    public string? Split { get; init; }
}
