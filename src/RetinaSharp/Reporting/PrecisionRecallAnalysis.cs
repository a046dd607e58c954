using RetinaSharp.Data;
using RetinaSharp.Structures;

namespace RetinaSharp.Reporting;

/// <summary>
/// Precision, recall and F1 against confidence for every class of a data set at one IoU, and the
/// one confidence threshold with the best F1 averaged over the classes (the threshold ultralytics
/// reports precision and recall at; a single number to deploy with).
/// </summary>
/// <remarks>
/// Matching follows the COCO metrics at a single IoU, per class and image: detections in
/// decreasing score take the unmatched ground-truth box of their class with the highest IoU (at
/// least the threshold); one that finds none but lies mostly inside an ignore region of its class
/// is left out; the rest are false positives. Its precision–recall curves therefore have the area
/// COCO's AP50 reports, over all areas and the detections given.
/// </remarks>
public sealed class PrecisionRecallAnalysis
{
    private PrecisionRecallAnalysis(IReadOnlyList<ClassPrecisionRecall> classes, double iouThreshold)
    {
        Classes = classes;
        IouThreshold = iouThreshold;
        (BestThreshold, BestMeanF1) = FindBestThreshold();
    }

    /// <summary>One entry per class, in label order.</summary>
    public IReadOnlyList<ClassPrecisionRecall> Classes { get; }

    public double IouThreshold { get; }

    /// <summary>
    /// The score at which the mean F1 over classes with ground truth is highest (keeping detections
    /// scoring at least it); NaN when there are no detections. Of equal F1s the highest score wins,
    /// as it keeps fewer detections for the same result.
    /// </summary>
    public double BestThreshold { get; }

    public double BestMeanF1 { get; }

    /// <param name="categoryIdOf">The category id of a detection's label; null: detections use the data set's labels.</param>
    public static PrecisionRecallAnalysis Compute(IDetectionDataset dataset, IReadOnlyList<ImageDetections> detections, Func<int, long>? categoryIdOf = null,
        double iouThreshold = 0.5) =>
        Compute(AlignedImage.Align(dataset, detections, categoryIdOf), [.. dataset.Classes.Select(c => c.Name)], iouThreshold);

    internal static PrecisionRecallAnalysis Compute(IReadOnlyList<AlignedImage> images, IReadOnlyList<string> classNames, double iouThreshold)
    {
        int k = classNames.Count;
        var scored = new List<(float Score, bool Tp)>[k];
        var instances = new int[k];
        var imageCounts = new int[k];
        for (int c = 0; c < k; c++) scored[c] = [];
        var seen = new bool[k];
        var truthIndices = new List<int>();
        foreach (var image in images)
        {
            var truth = image.Truth;
            Array.Clear(seen);
            foreach (var label in truth.Labels)
            {
                instances[label]++;
                if (!seen[label]) imageCounts[label]++;
                seen[label] = true;
            }
            var matched = new bool[truth.Boxes.Length];
            // Detections are best first, so each class's detections are visited in score order.
            foreach (var d in image.Detections)
            {
                int best = -1;
                double bestIou = iouThreshold;
                for (int g = 0; g < truth.Boxes.Length; g++)
                {
                    if (matched[g] || truth.Labels[g] != d.Label) continue;
                    double iou = BoxOverlap.Iou(d.Box, truth.Boxes[g]);
                    if (iou >= bestIou && (best < 0 || iou > bestIou)) (best, bestIou) = (g, iou);
                }
                if (best >= 0)
                {
                    matched[best] = true;
                    scored[d.Label].Add((d.Score, true));
                }
                else if (!InsideIgnoreRegion(d, truth, iouThreshold))
                {
                    scored[d.Label].Add((d.Score, false));
                }
            }
        }
        var classes = new ClassPrecisionRecall[k];
        for (int c = 0; c < k; c++)
        {
            // A stable sort keeps image order among equal scores, as COCO's mergesort does.
            var sorted = scored[c].OrderByDescending(s => s.Score).ToList();
            classes[c] = new ClassPrecisionRecall(c, classNames[c], instances[c], imageCounts[c], [.. sorted.Select(s => s.Score)], [.. sorted.Select(s => s.Tp)]);
        }
        return new PrecisionRecallAnalysis(classes, iouThreshold);
    }

    private static bool InsideIgnoreRegion(Detection d, Data.ImageAnnotations truth, double threshold)
    {
        for (int i = 0; i < truth.IgnoreBoxes.Length; i++)
            if (truth.IgnoreLabels[i] == d.Label && BoxOverlap.Coverage(d.Box, truth.IgnoreBoxes[i]) >= threshold) return true;
        return false;
    }

    /// <summary>The mean F1 over classes with ground truth at a threshold; NaN when no class has any.</summary>
    public double MeanF1At(double threshold) => Mean(c => c.F1At(threshold));

    /// <summary>The mean precision over classes with ground truth; a class keeping no detection at the threshold counts as 0.</summary>
    public double MeanPrecisionAt(double threshold) => Mean(c => c.PrecisionAt(threshold) is var p && double.IsNaN(p) ? 0 : p);

    public double MeanRecallAt(double threshold) => Mean(c => c.RecallAt(threshold));

    private double Mean(Func<ClassPrecisionRecall, double> value)
    {
        double sum = 0;
        int n = 0;
        foreach (var c in Classes)
        {
            if (c.Instances == 0) continue;
            double v = value(c);
            if (double.IsNaN(v)) continue;
            sum += v;
            n++;
        }
        return n == 0 ? double.NaN : sum / n;
    }

    private (double Threshold, double F1) FindBestThreshold()
    {
        // Every distinct score is a candidate: between two scores nothing changes.
        var candidates = Classes.SelectMany(c => c.Scores).Distinct().OrderByDescending(s => s).ToList();
        double bestThreshold = double.NaN, bestF1 = double.NegativeInfinity;
        // Each class's kept count only grows as the threshold falls, so one pass per class suffices.
        var kept = new int[Classes.Count];
        var truePositives = new int[Classes.Count];
        foreach (var t in candidates)
        {
            double sum = 0;
            int n = 0;
            for (int c = 0; c < Classes.Count; c++)
            {
                var cls = Classes[c];
                var scores = cls.Scores;
                while (kept[c] < scores.Count && scores[kept[c]] >= t)
                {
                    if (cls.IsTruePositive(kept[c])) truePositives[c]++;
                    kept[c]++;
                }
                if (cls.Instances == 0) continue;
                sum += truePositives[c] == 0 ? 0 : 2.0 * truePositives[c] / (kept[c] + cls.Instances);
                n++;
            }
            if (n == 0) break;
            double f1 = sum / n;
            if (f1 > bestF1 + 1e-12) (bestThreshold, bestF1) = (t, f1);
        }
        return (bestThreshold, double.IsFinite(bestF1) ? bestF1 : double.NaN);
    }
}
