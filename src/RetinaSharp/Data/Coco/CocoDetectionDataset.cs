using RetinaSharp.Structures;

namespace RetinaSharp.Data.Coco;

/// <summary>
/// A COCO instances file and its image folder as a detection data set. Categories become labels
/// 0..K−1 in increasing id order; images come in increasing id order, those without annotations
/// included (they are valid all-background training images); crowd annotations (and those with
/// pycocotools' ignore flag) become ignore regions; bbox [x, y, w, h] becomes [x, y, x + w, y + h]
/// computed in float32 like torchvision's reference COCO loader.
/// </summary>
public sealed class CocoDetectionDataset : DetectionDataset
{
    private CocoDetectionDataset(CocoFile file, string source, ClassList classes, SampleInfo[] infos, ImageAnnotations[] annotations, DatasetOptions options, DatasetReport report)
        : base(source, classes, infos, annotations, options.ImageReader, options.Policy, report)
    {
        File = file;
    }

    /// <summary>The parsed annotation file: the ground truth the COCO metrics score against.</summary>
    public CocoFile File { get; }

    /// <summary>Reads the annotation file; image file names are relative to <paramref name="imageRoot"/>.</summary>
    public static CocoDetectionDataset Open(string annotationFile, string imageRoot, DatasetOptions? options = null) =>
        FromFile(CocoFile.Load(annotationFile), annotationFile, imageRoot, options);

    /// <summary>Builds the data set from a COCO file already in memory; <paramref name="annotationFile"/> names it in messages.</summary>
    public static CocoDetectionDataset FromFile(CocoFile coco, string annotationFile, string imageRoot, DatasetOptions? options = null)
    {
        options ??= DatasetOptions.Default;
        var report = new DatasetReport();
        var log = new ProblemLog(options.Policy, report);
        var file = annotationFile;
        var classes = ReadCategories(coco, file);
        var resolver = new ImagePathResolver(imageRoot, options.AllowImagesOutsideRoot);

        var images = new List<CocoImage>(coco.Images ?? []);
        var occurrences = new Dictionary<long, int>();
        foreach (var image in images)
        {
            if (image is null) throw new InvalidDataException($"{file}: the images list holds a null entry.");
            occurrences[image.Id] = occurrences.GetValueOrDefault(image.Id) + 1;
        }
        // torchvision's CocoDetection walks the images in sorted id order; List.Sort is not stable, so sort a copy with its index as tie-break.
        var order = new int[images.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => images[a].Id != images[b].Id ? images[a].Id.CompareTo(images[b].Id) : a.CompareTo(b));

        var drafts = new List<SampleDraft>(images.Count);
        var draftById = new Dictionary<long, SampleDraft>(images.Count);
        foreach (int i in order)
        {
            var image = images[i];
            var item = $"image {image.Id}";
            var draft = new SampleDraft(image.Id, image.FileName ?? "", file, item);
            drafts.Add(draft);
            int count = occurrences[image.Id];
            if (count > 1)
            {
                draft.Fail(log, ProblemKind.DuplicateImageId, file, item,
                    $"image id {image.Id} appears {count} times in the images list (this entry: \"{image.FileName}\"); every image with that id is left out");
                continue;
            }
            draftById[image.Id] = draft;
            var path = resolver.Resolve(image.FileName ?? "", out var error);
            if (path is null)
            {
                draft.Fail(log, ProblemKind.PathOutsideRoot, file, item, error);
                continue;
            }
            draft.FilePath = path;
            if (image.Width > 0 && image.Height > 0) draft.Size = new ImageSize(image.Height, image.Width);
            if (options.CheckImageFiles) draft.CheckFile(options.ImageReader, log);
        }

        foreach (var ann in coco.Annotations ?? [])
        {
            if (ann is null) throw new InvalidDataException($"{file}: the annotations list holds a null entry.");
            var item = $"annotation {ann.Id} (image {ann.ImageId})";
            if (!draftById.TryGetValue(ann.ImageId, out var draft))
            {
                // Annotations of a duplicated image id were already accounted for with the image.
                if (!occurrences.ContainsKey(ann.ImageId))
                    log.Error(ProblemKind.OrphanAnnotation, file, item, $"image id {ann.ImageId} is not in the images list; annotation left out");
                continue;
            }
            if (draft.IsBad) continue;
            if (!classes.TryGetLabel(ann.CategoryId, out int label))
            {
                draft.Fail(log, ProblemKind.UnknownClass, file, item, $"category_id {ann.CategoryId} is not in the categories list; image left out");
                continue;
            }
            var b = ann.Bbox;
            if (b is null || b.Length != 4)
            {
                draft.Fail(log, ProblemKind.InvalidValue, file, item, $"bbox has {b?.Length ?? 0} numbers, expected 4 (x, y, width, height); image left out");
                continue;
            }
            float x = (float)b[0], y = (float)b[1], w = (float)b[2], h = (float)b[3];
            if (!float.IsFinite(x) || !float.IsFinite(y) || !float.IsFinite(w) || !float.IsFinite(h))
            {
                draft.Fail(log, ProblemKind.NonFiniteCoordinate, file, item,
                    $"bbox [{string.Join(", ", b)}] has a coordinate that is not a finite float; image left out");
                continue;
            }
            bool ignore = ann.IsCrowd != 0 || ann.Ignore is > 0;
            draft.Add(new Box(x, y, x + w, y + h), label, ignore, item);
        }

        var (infos, annotations) = Finish(drafts, log);
        return new CocoDetectionDataset(coco, file, classes, infos, annotations, options, report);
    }

    private static ClassList ReadCategories(CocoFile coco, string file)
    {
        var list = new List<DetectionClass>();
        foreach (var c in coco.Categories ?? [])
        {
            if (c is null) throw new InvalidDataException($"{file}: the categories list holds a null entry.");
            list.Add(new DetectionClass(c.Name ?? "", c.Id));
        }
        try
        {
            return ClassList.SortedByCategoryId(list);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{file}: categories: {e.Message}", e);
        }
    }
}
