using System.Globalization;
using System.Text;
using RetinaSharp.Data;
using RetinaSharp.Structures;

namespace RetinaSharp.Reporting;

/// <summary>
/// Counts of ground-truth class against predicted class at one IoU, as ultralytics draws it, with
/// rows for the true class and columns for the predicted one. Index <see cref="Background"/> (the
/// last row and column) is background: a missed ground-truth box counts in its class's row under
/// the background column; a detection that matches nothing counts in the background row under
/// its predicted class. Only detections scoring at least the threshold take part.
/// </summary>
/// <remarks>
/// Per image, every (ground truth, detection) pair with IoU at least the threshold is a candidate,
/// whatever the classes; pairs are taken greedily by decreasing IoU, each box and detection at most
/// once, so a detection on an object of another class shows as a class confusion and a second
/// detection of one object as a background false positive. Ignore regions (crowd boxes, VOC
/// difficult objects) are neither counted nor penalised: they are not ground truth, and an
/// unmatched detection that lies mostly inside one (as the COCO metrics measure a crowd match) is
/// left out. The region's class is not checked, since this matrix matches across classes.
/// </remarks>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    private ConfusionMatrix(IReadOnlyList<string> classNames, long[,] counts, float scoreThreshold, double iouThreshold)
    {
        ClassNames = classNames;
        _counts = counts;
        ScoreThreshold = scoreThreshold;
        IouThreshold = iouThreshold;
    }

    /// <summary>The default confidence threshold, as ultralytics uses for its matrix.</summary>
    public const float DefaultScoreThreshold = 0.25f;

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The index of the background row and column (the number of classes).</summary>
    public int Background => ClassNames.Count;

    public float ScoreThreshold { get; }
    public double IouThreshold { get; }

    /// <summary>Count of boxes of class <paramref name="actual"/> predicted as <paramref name="predicted"/> (either may be <see cref="Background"/>).</summary>
    public long this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>
    /// The count divided by its row's total: for a class, the share of its boxes found as each
    /// class or missed; for background, the share of false positives per predicted class. 0 for an
    /// empty row.
    /// </summary>
    public double Normalized(int actual, int predicted)
    {
        long total = 0;
        for (int c = 0; c <= Background; c++) total += _counts[actual, c];
        return total == 0 ? 0 : _counts[actual, predicted] / (double)total;
    }

    /// <param name="categoryIdOf">The category id of a detection's label; null: detections use the data set's labels.</param>
    public static ConfusionMatrix Compute(IDetectionDataset dataset, IReadOnlyList<ImageDetections> detections, Func<int, long>? categoryIdOf = null,
        float scoreThreshold = DefaultScoreThreshold, double iouThreshold = 0.5) =>
        Compute(AlignedImage.Align(dataset, detections, categoryIdOf), [.. dataset.Classes.Select(c => c.Name)], scoreThreshold, iouThreshold);

    internal static ConfusionMatrix Compute(IReadOnlyList<AlignedImage> images, IReadOnlyList<string> classNames, float scoreThreshold, double iouThreshold)
    {
        int k = classNames.Count;
        var counts = new long[k + 1, k + 1];
        var pairs = new List<(double Iou, int Truth, int Detection)>();
        foreach (var image in images)
        {
            var truth = image.Truth;
            var kept = new List<Detection>();
            foreach (var d in image.Detections) if (d.Score >= scoreThreshold) kept.Add(d);
            pairs.Clear();
            for (int g = 0; g < truth.Boxes.Length; g++)
                for (int d = 0; d < kept.Count; d++)
                {
                    double iou = BoxOverlap.Iou(truth.Boxes[g], kept[d].Box);
                    if (iou >= iouThreshold) pairs.Add((iou, g, d));
                }
            // Detections are sorted best first, so among equal IoUs the better score wins.
            pairs.Sort((a, b) => a.Iou != b.Iou ? b.Iou.CompareTo(a.Iou) : a.Detection != b.Detection ? a.Detection.CompareTo(b.Detection) : a.Truth.CompareTo(b.Truth));
            var truthMatched = new bool[truth.Boxes.Length];
            var detectionMatched = new bool[kept.Count];
            foreach (var (_, g, d) in pairs)
            {
                if (truthMatched[g] || detectionMatched[d]) continue;
                truthMatched[g] = detectionMatched[d] = true;
                counts[truth.Labels[g], kept[d].Label]++;
            }
            for (int g = 0; g < truthMatched.Length; g++)
                if (!truthMatched[g]) counts[truth.Labels[g], k]++;
            for (int d = 0; d < kept.Count; d++)
                if (!detectionMatched[d] && !InsideIgnoreRegion(kept[d].Box, truth.IgnoreBoxes, iouThreshold)) counts[k, kept[d].Label]++;
        }
        return new ConfusionMatrix(classNames, counts, scoreThreshold, iouThreshold);
    }

    private static bool InsideIgnoreRegion(Box box, Box[] regions, double threshold)
    {
        foreach (var r in regions)
            if (BoxOverlap.Coverage(box, r) >= threshold) return true;
        return false;
    }

    /// <summary>Row and column names: the classes, then "background".</summary>
    public IReadOnlyList<string> Names => [.. ClassNames, "background"];

    /// <summary>
    /// The matrix as CSV: a header "true \ predicted" and the names, then one row per true class.
    /// Counts, or row-normalised shares with 6 decimals; invariant culture.
    /// </summary>
    public string ToCsv(bool normalized = false)
    {
        var names = Names;
        var sb = new StringBuilder();
        sb.Append(Csv.Field("true \\ predicted"));
        foreach (var n in names) sb.Append(',').Append(Csv.Field(n));
        sb.Append('\n');
        for (int r = 0; r < names.Count; r++)
        {
            sb.Append(Csv.Field(names[r]));
            for (int c = 0; c < names.Count; c++)
            {
                sb.Append(',');
                if (normalized) sb.Append(Normalized(r, c).ToString("0.######", CultureInfo.InvariantCulture));
                else sb.Append(_counts[r, c].ToString(CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The matrix as an SVG heat map, counts or row-normalised.</summary>
    public string ToSvg(bool normalized = false)
    {
        var names = Names;
        var values = new double[names.Count, names.Count];
        var shares = new double[names.Count, names.Count];
        for (int r = 0; r < names.Count; r++)
            for (int c = 0; c < names.Count; c++)
            {
                shares[r, c] = Normalized(r, c);
                values[r, c] = normalized ? shares[r, c] : _counts[r, c];
            }
        string title = FormattableString.Invariant(
            $"Confusion matrix{(normalized ? " (each row sums to 1)" : "")}, IoU ≥ {IouThreshold:0.##}, score ≥ {ScoreThreshold:0.##}");
        Func<double, string> format = normalized
            ? v => v.ToString("0.00", CultureInfo.InvariantCulture)
            : v => v.ToString("0", CultureInfo.InvariantCulture);
        // Counts are shaded by their row share too, so a rare class's row is as readable as a common one's.
        return new SvgHeatmap(title, "true class", "predicted class", names, names, values, format)
        {
            Max = normalized ? 1 : null, Shading = normalized ? null : shares, ShadingName = "row share",
        }.Render();
    }
}
