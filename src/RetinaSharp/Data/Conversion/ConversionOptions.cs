namespace RetinaSharp.Data.Conversion;

/// <summary>How <see cref="DatasetConverter"/> writes a data set.</summary>
public sealed record ConversionOptions
{
    /// <summary>Copy the images beside the annotations (default); otherwise refer to them where they are, by relative path.</summary>
    public bool CopyImages { get; init; } = true;

    /// <summary>COCO and CSV: the folder, beside the annotation file, that the images are copied to.</summary>
    public string ImageFolder { get; init; } = "images";

    /// <summary>VOC: the name of the split file written to ImageSets/Main (all images).</summary>
    public string VocSplit { get; init; } = "trainval";

    /// <summary>COCO: write ignore regions as crowd boxes (<c>iscrowd: 1</c>) rather than <c>ignore: 1</c>; the COCO reader reads both back as ignore regions.</summary>
    public bool IgnoreAsCrowd { get; init; }
}
