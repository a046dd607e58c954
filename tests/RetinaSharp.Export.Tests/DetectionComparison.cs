using RetinaSharp.Structures;

namespace RetinaSharp.Export.Tests;

/// <summary>Pairs our detections with ONNX Runtime's: same category, IoU above 0.99, scores within 1e-3.</summary>
public static class DetectionComparison
{
    public const double MinIou = 0.99;
    public const float MaxScoreDifference = 1e-3f;

    /// <summary>Matched pairs over the larger of the two counts (1 when both are empty).</summary>
    public static double AgreedFraction(IReadOnlyList<Detection> ours, Func<int, long> categoryOf, IReadOnlyList<OnnxDetection> theirs, out string firstMismatch)
    {
        firstMismatch = "";
        var used = new bool[theirs.Count];
        int matched = 0;
        foreach (var d in ours)
        {
            long category = categoryOf(d.Label);
            int best = -1;
            for (int j = 0; j < theirs.Count; j++)
            {
                var t = theirs[j];
                if (used[j] || t.CategoryId != category || Math.Abs(t.Score - d.Score) >= MaxScoreDifference) continue;
                if (Iou(d.Box, t) > MinIou) { best = j; break; }
            }
            if (best >= 0)
            {
                used[best] = true;
                matched++;
            }
            else if (firstMismatch.Length == 0) firstMismatch = $"ours {d.Box} {d.Score} {category} has no counterpart";
        }
        int total = Math.Max(ours.Count, theirs.Count);
        return total == 0 ? 1 : (double)matched / total;
    }

    public static double Iou(Box a, OnnxDetection b)
    {
        double iw = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1), ih = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
        double areaA = (a.X2 - a.X1) * (a.Y2 - a.Y1), areaB = (b.X2 - b.X1) * (b.Y2 - b.Y1);
        // A box clipped flat against the image border has no area: compare its corners instead.
        if (areaA <= 0 || areaB <= 0)
            return Math.Max(Math.Max(Math.Abs(a.X1 - b.X1), Math.Abs(a.Y1 - b.Y1)), Math.Max(Math.Abs(a.X2 - b.X2), Math.Abs(a.Y2 - b.Y2))) < 1e-2 ? 1 : 0;
        double inter = Math.Max(0, iw) * Math.Max(0, ih);
        return inter / (areaA + areaB - inter);
    }
}
