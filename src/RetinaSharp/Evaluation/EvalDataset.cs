using RetinaSharp.Data.Coco;

namespace RetinaSharp.Evaluation;

/// <summary>
/// Ground truth and detections checked, converted and grouped by (category, image) in the order
/// pycocotools visits them: images by ascending id, then annotations in file order. That order
/// decides which of two equal-score detections ranks first, so it is kept exactly.
/// </summary>
internal sealed class EvalDataset
{
    public required long[] ImageIds { get; init; }
    public required long[] CategoryIds { get; init; }
    public required string[] CategoryNames { get; init; }

    /// <summary>Ground truth of category k is [GroundTruthStart[k], GroundTruthStart[k+1]), by image.</summary>
    public required EvalGroundTruth[] GroundTruth { get; init; }
    public required int[] GroundTruthStart { get; init; }

    /// <summary>Detections of category k are [DetectionStart[k], DetectionStart[k+1]), by image.</summary>
    public required EvalDetection[] Detections { get; init; }
    public required int[] DetectionStart { get; init; }

    /// <summary>Detections whose category is not a ground-truth category; pycocotools drops them too.</summary>
    public int UnknownCategoryDetections { get; init; }

    public static EvalDataset Build(CocoFile groundTruth, string groundTruthSource,
                                    IReadOnlyList<CocoDetection> detections, string detectionsSource)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentNullException.ThrowIfNull(detections);
        var images = groundTruth.Images ?? [];
        var categories = groundTruth.Categories ?? [];
        var annotations = groundTruth.Annotations ?? [];

        var imageIds = new long[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            imageIds[i] = (images[i] ?? throw Bad(groundTruthSource, $"images[{i}] is null.")).Id;
        }
        imageIds = SortedUnique(imageIds);
        var imageIndex = IndexOf(imageIds);

        var categoryIds = new long[categories.Count];
        var names = new Dictionary<long, string>();
        for (var i = 0; i < categories.Count; i++)
        {
            var c = categories[i] ?? throw Bad(groundTruthSource, $"categories[{i}] is null.");
            categoryIds[i] = c.Id;
            names[c.Id] = c.Name ?? "";
        }
        categoryIds = SortedUnique(categoryIds);
        var categoryIndex = IndexOf(categoryIds);
        var categoryNames = new string[categoryIds.Length];
        for (var k = 0; k < categoryIds.Length; k++) categoryNames[k] = names[categoryIds[k]];

        var (gt, gtStart) = GroupGroundTruth(annotations, groundTruthSource, imageIndex, categoryIndex);
        var (dt, dtStart, unknown) = GroupDetections(detections, detectionsSource, groundTruthSource, imageIndex, categoryIndex);
        return new EvalDataset
        {
            ImageIds = imageIds,
            CategoryIds = categoryIds,
            CategoryNames = categoryNames,
            GroundTruth = gt,
            GroundTruthStart = gtStart,
            Detections = dt,
            DetectionStart = dtStart,
            UnknownCategoryDetections = unknown,
        };
    }

    private static (EvalGroundTruth[], int[]) GroupGroundTruth(List<CocoAnnotation> annotations, string source,
        Dictionary<long, int> imageIndex, Dictionary<long, int> categoryIndex)
    {
        // pycocotools keys annotations by id: a repeated id resolves to the last annotation carrying it.
        var lastById = new Dictionary<long, int>(annotations.Count);
        var annotationImage = new int[annotations.Count];
        for (var i = 0; i < annotations.Count; i++)
        {
            var a = annotations[i] ?? throw Bad(source, $"annotations[{i}] is null.");
            if (a.Bbox is not { Length: 4 } box)
            {
                throw Bad(source, $"annotations[{i}] (id {a.Id}): bbox must hold 4 numbers [x, y, width, height], found {a.Bbox?.Length ?? 0}.");
            }
            if (!AllFinite(box) || a.Area is { } area && !double.IsFinite(area))
            {
                throw Bad(source, $"annotations[{i}] (id {a.Id}): bbox and area must be finite numbers.");
            }
            lastById[a.Id] = i;
            annotationImage[i] = imageIndex.TryGetValue(a.ImageId, out var img) && categoryIndex.ContainsKey(a.CategoryId) ? img : -1;
        }

        // Visit annotations image by image (ascending id), in file order within an image.
        var visit = StableOrder(annotationImage, imageIndex.Count);
        var selected = new List<(int Category, int Image, EvalGroundTruth Box)>(visit.Length);
        foreach (var i in visit)
        {
            var a = annotations[lastById[annotations[i].Id]];
            if (!imageIndex.TryGetValue(a.ImageId, out var img) || !categoryIndex.TryGetValue(a.CategoryId, out var cat)) continue;
            var b = a.Bbox;
            // The annotation's area (mask area in COCO) picks the size range; the box area stands in when it is absent.
            // The optional "ignore" field is not read: pycocotools overwrites it with iscrowd.
            var box = new EvalGroundTruth(img, a.Id, b[0], b[1], b[2], b[3], a.Area ?? b[2] * b[3], a.IsCrowd != 0);
            selected.Add((cat, img, box));
        }
        return Group(selected, categoryIndex.Count, imageIndex.Count);
    }

    private static (EvalDetection[], int[], int) GroupDetections(IReadOnlyList<CocoDetection> detections, string source,
        string groundTruthSource, Dictionary<long, int> imageIndex, Dictionary<long, int> categoryIndex)
    {
        var detectionImage = new int[detections.Count];
        var unknown = 0;
        for (var i = 0; i < detections.Count; i++)
        {
            var d = detections[i];
            if (!double.IsFinite(d.X) || !double.IsFinite(d.Y) || !double.IsFinite(d.Width) || !double.IsFinite(d.Height) || !double.IsFinite(d.Score))
            {
                throw Bad(source, $"results[{i}] (image_id {d.ImageId}, category_id {d.CategoryId}): bbox and score must be finite numbers.");
            }
            if (!imageIndex.TryGetValue(d.ImageId, out var img))
            {
                throw Bad(source, $"results[{i}]: image_id {d.ImageId} is not an image of the ground truth ({groundTruthSource}).");
            }
            if (categoryIndex.ContainsKey(d.CategoryId))
            {
                detectionImage[i] = img;
            }
            else
            {
                detectionImage[i] = -1;
                unknown++;
            }
        }
        var visit = StableOrder(detectionImage, imageIndex.Count);
        var selected = new List<(int Category, int Image, EvalDetection Box)>(visit.Length);
        foreach (var i in visit)
        {
            var d = detections[i];
            selected.Add((categoryIndex[d.CategoryId], detectionImage[i], new EvalDetection(detectionImage[i], d.X, d.Y, d.Width, d.Height, d.Score)));
        }
        var (boxes, start) = Group(selected, categoryIndex.Count, imageIndex.Count);
        return (boxes, start, unknown);
    }

    /// <summary>Stable sort by category, then image, keeping the visiting order within a pair.</summary>
    private static (T[], int[]) Group<T>(List<(int Category, int Image, T Box)> items, int categoryCount, int imageCount)
    {
        var images = new int[items.Count];
        for (var i = 0; i < items.Count; i++) images[i] = items[i].Image;
        var byImage = StableOrder(images, imageCount);
        var categories = new int[items.Count];
        for (var i = 0; i < byImage.Length; i++) categories[i] = items[byImage[i]].Category;
        var byCategory = StableOrder(categories, categoryCount);

        var boxes = new T[items.Count];
        var start = new int[categoryCount + 1];
        for (var i = 0; i < byCategory.Length; i++)
        {
            var item = items[byImage[byCategory[i]]];
            boxes[i] = item.Box;
            start[item.Category + 1]++;
        }
        for (var k = 0; k < categoryCount; k++) start[k + 1] += start[k];
        return (boxes, start);
    }

    /// <summary>Counting sort of indices by key in [0, keyCount); negative keys are left out.</summary>
    private static int[] StableOrder(ReadOnlySpan<int> keys, int keyCount)
    {
        var offsets = new int[keyCount + 1];
        foreach (var key in keys)
        {
            if (key >= 0) offsets[key + 1]++;
        }
        for (var k = 0; k < keyCount; k++) offsets[k + 1] += offsets[k];
        var order = new int[offsets[keyCount]];
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] >= 0) order[offsets[keys[i]]++] = i;
        }
        return order;
    }

    private static long[] SortedUnique(long[] ids)
    {
        Array.Sort(ids);
        var n = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            if (n == 0 || ids[i] != ids[n - 1]) ids[n++] = ids[i];
        }
        return ids[..n];
    }

    private static Dictionary<long, int> IndexOf(long[] ids)
    {
        var index = new Dictionary<long, int>(ids.Length);
        for (var i = 0; i < ids.Length; i++) index[ids[i]] = i;
        return index;
    }

    private static bool AllFinite(double[] values)
    {
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) return false;
        }
        return true;
    }

    private static InvalidDataException Bad(string source, string message) => new($"{source}: {message}");
}
