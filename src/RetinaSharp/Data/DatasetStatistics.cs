using RetinaSharp.Structures;

namespace RetinaSharp.Data;

/// <summary>Counts and ranges that describe a data set's annotations (what `retina data check` prints).</summary>
public sealed class DatasetStatistics
{
    /// <summary>Upper bounds of the box size bins, by sqrt(area) in pixels; the last bin is open.</summary>
    public static IReadOnlyList<int> SizeBinEdges { get; } = [16, 32, 64, 128, 256, 512];

    public int Images { get; private init; }
    public int ImagesWithoutBoxes { get; private init; }
    public int Boxes { get; private init; }
    public int IgnoreRegions { get; private init; }

    /// <summary>Target boxes per label.</summary>
    public IReadOnlyList<int> BoxesPerClass { get; private init; } = [];

    /// <summary>Ignore regions per label.</summary>
    public IReadOnlyList<int> IgnoreRegionsPerClass { get; private init; } = [];

    /// <summary>Target boxes per size bin: &lt;16, 16–32, 32–64, 64–128, 128–256, 256–512, ≥512 (sqrt of area).</summary>
    public IReadOnlyList<int> SizeHistogram { get; private init; } = [];

    /// <summary>Smallest and largest box aspect ratio, height / width (the anchors' convention); NaN without boxes.</summary>
    public double MinAspectRatio { get; private init; } = double.NaN;
    public double MaxAspectRatio { get; private init; } = double.NaN;

    /// <summary>Smallest and largest known image width and height (0 when no size is known).</summary>
    public int MinWidth { get; private init; }
    public int MaxWidth { get; private init; }
    public int MinHeight { get; private init; }
    public int MaxHeight { get; private init; }

    /// <summary>Images whose size is not known (file checks were off).</summary>
    public int ImagesOfUnknownSize { get; private init; }

    public static int SizeBin(Box box)
    {
        double side = Math.Sqrt(Math.Max(0, (double)box.Width * box.Height));
        var edges = SizeBinEdges;
        for (int i = 0; i < edges.Count; i++)
            if (side < edges[i]) return i;
        return edges.Count;
    }

    public static DatasetStatistics Compute(IDetectionDataset dataset)
    {
        int k = dataset.Classes.Count;
        var perClass = new int[k];
        var ignorePerClass = new int[k];
        var histogram = new int[SizeBinEdges.Count + 1];
        int withoutBoxes = 0, boxes = 0, ignore = 0, unknown = 0;
        double minAr = double.PositiveInfinity, maxAr = double.NegativeInfinity;
        int minW = int.MaxValue, maxW = 0, minH = int.MaxValue, maxH = 0;
        for (int i = 0; i < dataset.Count; i++)
        {
            var size = dataset.GetInfo(i).Size;
            if (size.IsKnown)
            {
                minW = Math.Min(minW, size.Width); maxW = Math.Max(maxW, size.Width);
                minH = Math.Min(minH, size.Height); maxH = Math.Max(maxH, size.Height);
            }
            else
            {
                unknown++;
            }
            var t = dataset.GetAnnotations(i);
            if (t.Boxes.Length == 0) withoutBoxes++;
            boxes += t.Boxes.Length;
            ignore += t.IgnoreBoxes.Length;
            for (int j = 0; j < t.Boxes.Length; j++)
            {
                var b = t.Boxes[j];
                perClass[t.Labels[j]]++;
                histogram[SizeBin(b)]++;
                double ar = (double)b.Height / b.Width;
                minAr = Math.Min(minAr, ar);
                maxAr = Math.Max(maxAr, ar);
            }
            foreach (var label in t.IgnoreLabels) ignorePerClass[label]++;
        }
        bool anySize = maxW > 0;
        return new DatasetStatistics
        {
            Images = dataset.Count,
            ImagesWithoutBoxes = withoutBoxes,
            Boxes = boxes,
            IgnoreRegions = ignore,
            BoxesPerClass = perClass,
            IgnoreRegionsPerClass = ignorePerClass,
            SizeHistogram = histogram,
            MinAspectRatio = boxes > 0 ? minAr : double.NaN,
            MaxAspectRatio = boxes > 0 ? maxAr : double.NaN,
            MinWidth = anySize ? minW : 0,
            MaxWidth = maxW,
            MinHeight = anySize ? minH : 0,
            MaxHeight = maxH,
            ImagesOfUnknownSize = unknown,
        };
    }
}
