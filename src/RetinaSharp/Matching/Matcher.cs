using RetinaSharp.Boxes;

namespace RetinaSharp.Matching;

/// <summary>
/// Assigns each anchor to at most one ground-truth box, as torchvision's Matcher: IoU ≥ the
/// foreground threshold → that box; below the background threshold → <see cref="Background"/>;
/// in between → <see cref="Ignore"/>. With low-quality matches on, for every box the anchors of
/// highest IoU with it (ties included) get back their own best match even below the threshold.
/// Optionally, anchors covered by crowd/ignore regions (intersection over anchor area above a
/// threshold) that are not foreground become ignored; torchvision has no such regions.
/// </summary>
public sealed class Matcher(float foregroundThreshold = 0.5f, float backgroundThreshold = 0.4f, bool allowLowQualityMatches = true)
{
    public const int Background = -1;
    public const int Ignore = -2;

    public float ForegroundThreshold { get; } = foregroundThreshold;
    public float BackgroundThreshold { get; } = backgroundThreshold;
    public bool AllowLowQualityMatches { get; } = allowLowQualityMatches;

    /// <summary>Intersection over anchor area above which an anchor inside an ignore region is ignored.</summary>
    public float IgnoreRegionOverlap { get; init; } = 0.5f;

    /// <summary>Fills <paramref name="matches"/> (one per anchor) with a box index, <see cref="Background"/> or <see cref="Ignore"/>.</summary>
    public void Match(ReadOnlySpan<float> gtBoxes, ReadOnlySpan<float> anchors, Span<int> matches, ReadOnlySpan<float> ignoreRegions = default)
    {
        int g = gtBoxes.Length / 4, a = anchors.Length / 4;
        if (matches.Length != a) throw new ArgumentException("One match slot per anchor is needed.");
        if (g == 0)
        {
            matches.Fill(Background);
            ApplyIgnoreRegions(anchors, matches, ignoreRegions);
            return;
        }
        var gtArea = new float[g];
        for (int j = 0; j < g; j++) gtArea[j] = BoxOps.Area(gtBoxes, j);
        var bestPerGt = new float[g];
        Array.Fill(bestPerGt, float.NegativeInfinity);
        var allMatches = new int[a];
        for (int i = 0; i < a; i++)
        {
            float areaA = BoxOps.Area(anchors, i);
            float best = float.NegativeInfinity;
            int arg = 0;
            for (int j = 0; j < g; j++)
            {
                float iou = BoxOps.Iou(gtBoxes, j, gtArea[j], anchors, i, areaA);
                if (iou > best) { best = iou; arg = j; }
                if (iou > bestPerGt[j]) bestPerGt[j] = iou;
            }
            allMatches[i] = arg;
            matches[i] = best < BackgroundThreshold ? Background : best < ForegroundThreshold ? Ignore : arg;
        }
        if (AllowLowQualityMatches)
        {
            for (int i = 0; i < a; i++)
            {
                float areaA = BoxOps.Area(anchors, i);
                for (int j = 0; j < g; j++)
                {
                    // A box overlapping no anchor at all (degenerate) would make every anchor its
                    // "best" match; torchvision would then mark them all foreground. Skip it.
                    if (bestPerGt[j] > 0 && BoxOps.Iou(gtBoxes, j, gtArea[j], anchors, i, areaA) == bestPerGt[j])
                    {
                        matches[i] = allMatches[i];
                        break;
                    }
                }
            }
        }
        ApplyIgnoreRegions(anchors, matches, ignoreRegions);
    }

    private void ApplyIgnoreRegions(ReadOnlySpan<float> anchors, Span<int> matches, ReadOnlySpan<float> regions)
    {
        int r = regions.Length / 4;
        if (r == 0) return;
        for (int i = 0; i < matches.Length; i++)
        {
            if (matches[i] >= 0) continue;
            float areaA = BoxOps.Area(anchors, i);
            if (areaA <= 0) continue;
            for (int j = 0; j < r; j++)
            {
                float w = MathF.Min(anchors[i * 4 + 2], regions[j * 4 + 2]) - MathF.Max(anchors[i * 4], regions[j * 4]);
                float h = MathF.Min(anchors[i * 4 + 3], regions[j * 4 + 3]) - MathF.Max(anchors[i * 4 + 1], regions[j * 4 + 1]);
                if (w > 0 && h > 0 && w * h / areaA > IgnoreRegionOverlap)
                {
                    matches[i] = Ignore;
                    break;
                }
            }
        }
    }
}
