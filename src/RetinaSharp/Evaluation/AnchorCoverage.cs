using RetinaSharp.Anchors;
using RetinaSharp.Boxes;
using RetinaSharp.Data;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Models;
using RetinaSharp.Structures;

namespace RetinaSharp.Evaluation;

/// <summary>
/// How one range of ground-truth box sizes is served by the anchors: boxes whose best anchor IoU is
/// at least the foreground threshold (real positives), between the two thresholds, and below the
/// background threshold (found only through the matcher's low-quality rule, or not at all).
/// </summary>
/// <param name="MinSize">Smallest box size in the bucket (square root of the area at the input size), inclusive.</param>
/// <param name="MaxSize">Upper end, exclusive (infinity for the last).</param>
public sealed record AnchorCoverageBucket(double MinSize, double MaxSize, int Boxes, int Positive, int Between, int Below)
{
    public double PositiveShare => Boxes == 0 ? double.NaN : (double)Positive / Boxes;
}

/// <summary>
/// Anchor coverage of a data set at a model's input size: every ground-truth box is resized with
/// its image as training resizes it, and compared with the anchors of that image's padded size.
/// The peers of RetinaNet give no such number; it tells before training whether the anchors can
/// match the objects at all.
/// </summary>
public static class AnchorCoverage
{
    public static IReadOnlyList<AnchorCoverageBucket> Compute(IDetectionDataset dataset, RetinaNetConfig config)
    {
        var edges = DatasetStatistics.SizeBinEdges;
        var boxes = new int[edges.Count + 1];
        var positive = new int[boxes.Length];
        var between = new int[boxes.Length];
        var below = new int[boxes.Length];
        var generator = new AnchorGenerator(config.AnchorSizesPerLevel(), config.AspectRatios);
        var transform = config.Transform;
        for (int i = 0; i < dataset.Count; i++)
        {
            var size = dataset.GetInfo(i).Size;
            var gt = dataset.GetAnnotations(i).Boxes;
            if (!size.IsKnown || gt.Length == 0) continue;
            var resized = DetectionTransform.ResizedSize(size, config.MinSize, config.MaxSize);
            var padded = DetectionTransform.PaddedSize([resized], transform.SizeDivisible);
            var anchors = generator.Generate(padded.Height, padded.Width, FeatureSizes(padded)).Boxes;
            foreach (var box in DetectionTransform.ScaleBoxes(gt, size, resized))
            {
                if (box.IsEmpty) continue;
                int bucket = Bucket(Math.Sqrt(box.Area), edges);
                float best = BestIou(box, anchors);
                boxes[bucket]++;
                if (best >= config.ForegroundIou) positive[bucket]++;
                else if (best >= config.BackgroundIou) between[bucket]++;
                else below[bucket]++;
            }
        }
        var result = new AnchorCoverageBucket[boxes.Length];
        for (int b = 0; b < result.Length; b++)
            result[b] = new AnchorCoverageBucket(b == 0 ? 0 : edges[b - 1], b == edges.Count ? double.PositiveInfinity : edges[b], boxes[b], positive[b], between[b], below[b]);
        return result;
    }

    /// <summary>Share of all boxes that get a real positive anchor.</summary>
    public static double PositiveShare(IReadOnlyList<AnchorCoverageBucket> buckets)
    {
        int boxes = 0, positive = 0;
        foreach (var b in buckets)
        {
            boxes += b.Boxes;
            positive += b.Positive;
        }
        return boxes == 0 ? double.NaN : (double)positive / boxes;
    }

    /// <summary>
    /// The anchor base sizes and aspect ratios, among common choices, that give the most boxes a
    /// positive anchor (ties: the configuration's own first, then smaller anchors).
    /// </summary>
    public static RetinaNetConfig Fit(IDetectionDataset dataset, RetinaNetConfig config)
    {
        double[][] ratioSets = [config.AspectRatios, [0.5, 1, 2], [1.0 / 3, 1, 3], [0.25, 0.5, 1, 2, 4]];
        int[] smallest = [8, 12, 16, 24, 32, 48, 64];
        var best = config;
        double bestShare = PositiveShare(Compute(dataset, config));
        foreach (var ratios in ratioSets)
            foreach (var s in smallest)
            {
                var candidate = config with { AnchorSizes = [s, s * 2, s * 4, s * 8, s * 16], AspectRatios = ratios };
                double share = PositiveShare(Compute(dataset, candidate));
                if (share > bestShare + 1e-9)
                {
                    best = candidate;
                    bestShare = share;
                }
            }
        return best;
    }

    /// <summary>P3–P7 sizes of a ResNet-FPN for a padded input (a multiple of 32): exact for P3–P5, then stride-2 convolutions (ceil).</summary>
    public static (int H, int W)[] FeatureSizes(ImageSize padded)
    {
        var sizes = new (int H, int W)[5];
        sizes[0] = (padded.Height / 8, padded.Width / 8);
        sizes[1] = (padded.Height / 16, padded.Width / 16);
        sizes[2] = (padded.Height / 32, padded.Width / 32);
        sizes[3] = ((sizes[2].H + 1) / 2, (sizes[2].W + 1) / 2);
        sizes[4] = ((sizes[3].H + 1) / 2, (sizes[3].W + 1) / 2);
        return sizes;
    }

    private static int Bucket(double size, IReadOnlyList<int> edges)
    {
        int b = 0;
        while (b < edges.Count && size >= edges[b]) b++;
        return b;
    }

    private static float BestIou(Box box, float[] anchors)
    {
        float[] g = [box.X1, box.Y1, box.X2, box.Y2];
        float areaG = box.Area, best = 0;
        for (int j = 0; j < anchors.Length / 4; j++)
        {
            float iou = BoxOps.Iou(g, 0, areaG, anchors, j, BoxOps.Area(anchors, j));
            if (iou > best) best = iou;
        }
        return best;
    }
}
