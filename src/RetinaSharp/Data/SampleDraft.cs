using RetinaSharp.Imaging;
using RetinaSharp.Structures;

namespace RetinaSharp.Data;

/// <summary>
/// One image while its annotations are being read: collects objects, remembers whether anything
/// made the image unusable, and at the end validates boxes against the image size.
/// </summary>
internal sealed class SampleDraft(long imageId, string key, string annotationFile, string item)
{
    private readonly List<DraftObject> _objects = [];

    public long ImageId { get; } = imageId;
    public string Key { get; } = key;

    /// <summary>The file whose content describes this image, for messages.</summary>
    public string AnnotationFile { get; } = annotationFile;

    /// <summary>How messages name the image ("image 42", "line 7").</summary>
    public string Item { get; } = item;

    public string? FilePath { get; set; }
    public ImageSize Size { get; set; }
    public bool IsBad { get; private set; }

    /// <summary>Adds an object; <paramref name="file"/> names where it was read when that is not <see cref="AnnotationFile"/>.</summary>
    public void Add(Box box, int label, bool ignore, string item, string? file = null) =>
        _objects.Add(new DraftObject(box, label, ignore, item, file ?? AnnotationFile));

    /// <summary>Marks the image unusable: throws under Fail, records the error under Skip.</summary>
    public void Fail(ProblemLog log, ProblemKind kind, string file, string item, string message, Exception? inner = null)
    {
        log.Error(kind, file, item, message, inner);
        if (!IsBad)
        {
            IsBad = true;
            log.Report.CountSkippedSample();
        }
    }

    /// <summary>
    /// Checks that the image file exists and, when the annotations did not give its size, reads
    /// the size from the file header; marks the image unusable when either fails.
    /// </summary>
    public void CheckFile(IImageReader reader, ProblemLog log)
    {
        var path = FilePath!;
        if (!reader.Exists(path))
        {
            Fail(log, ProblemKind.MissingImage, AnnotationFile, Item, $"image file {path} does not exist; image left out");
            return;
        }
        if (Size.IsKnown) return;
        try
        {
            Size = reader.ReadSize(path);
        }
        catch (InvalidImageException e)
        {
            Fail(log, ProblemKind.UnreadableImage, AnnotationFile, Item, $"cannot read the image header: {e.Message}; image left out", e);
        }
    }

    /// <summary>
    /// Drops boxes without area and clips the others to the image (when its size is known),
    /// recording a warning for each change.
    /// </summary>
    public ImageAnnotations Finish(ProblemLog log)
    {
        var boxes = new List<Box>(_objects.Count);
        var labels = new List<int>(_objects.Count);
        var ignoreBoxes = new List<Box>();
        var ignoreLabels = new List<int>();
        foreach (var o in _objects)
        {
            var box = o.Box;
            if (box.IsEmpty)
            {
                log.Warning(ProblemKind.DegenerateBox, o.File, o.Item,
                    $"box {box} has {(box.X2 > box.X1 ? "y2 <= y1" : "x2 <= x1")}; dropped");
                continue;
            }
            if (Size.IsKnown)
            {
                var clipped = new Box(Math.Clamp(box.X1, 0, Size.Width), Math.Clamp(box.Y1, 0, Size.Height),
                                      Math.Clamp(box.X2, 0, Size.Width), Math.Clamp(box.Y2, 0, Size.Height));
                if (clipped != box)
                {
                    if (clipped.IsEmpty)
                    {
                        log.Warning(ProblemKind.DegenerateBox, o.File, o.Item,
                            $"box {box} lies outside the {Size} image; dropped");
                        continue;
                    }
                    log.Warning(ProblemKind.BoxClipped, o.File, o.Item,
                        $"box {box} extends outside the {Size} image; clipped to {clipped}");
                    box = clipped;
                }
            }
            (o.Ignore ? ignoreBoxes : boxes).Add(box);
            (o.Ignore ? ignoreLabels : labels).Add(o.Label);
        }
        return boxes.Count == 0 && ignoreBoxes.Count == 0
            ? ImageAnnotations.Empty
            : new ImageAnnotations([.. boxes], [.. labels], [.. ignoreBoxes], [.. ignoreLabels]);
    }

    public SampleInfo ToInfo() => new(ImageId, Key, FilePath ?? "", Size);

    private readonly record struct DraftObject(Box Box, int Label, bool Ignore, string Item, string File);
}
