namespace RetinaSharp.Data;

/// <summary>Choices shared by the data set readers.</summary>
public sealed record DatasetOptions
{
    public static DatasetOptions Default { get; } = new();

    public BadSamplePolicy Policy { get; init; } = BadSamplePolicy.Skip;

    public IImageReader ImageReader { get; init; } = FileImageReader.Default;

    /// <summary>
    /// Check at open that every image file exists, and read the header of those whose size the
    /// annotations do not give. Off, CSV images have unknown sizes (no clipping, one aspect group).
    /// </summary>
    public bool CheckImageFiles { get; init; } = true;

    /// <summary>Accept image paths that are absolute or lead outside the image root (refused by default).</summary>
    public bool AllowImagesOutsideRoot { get; init; }

    /// <summary>Pascal VOC: what difficult objects become.</summary>
    public DifficultHandling Difficult { get; init; } = DifficultHandling.Ignore;

    /// <summary>
    /// Pascal VOC: the class names in label order. Null means the 20 VOC classes, unless
    /// <see cref="DiscoverClasses"/> is set.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Pascal VOC: use the class names found in the split's annotations, in ordinal order.</summary>
    public bool DiscoverClasses { get; init; }

    /// <summary>A VOC-style folder without ImageSets: the share of images held out as its "val"/"test" split.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>A VOC-style folder without ImageSets: seeds which images are held out.</summary>
    public ulong SplitSeed { get; init; }
}
