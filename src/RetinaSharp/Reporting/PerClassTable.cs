using System.Globalization;
using System.Text;
using RetinaSharp.Data;
using RetinaSharp.Evaluation;

namespace RetinaSharp.Reporting;

/// <summary>
/// The per-class results table ultralytics prints after validation: images and instances of each
/// class, precision and recall at the confidence with the best mean F1, and the COCO AP50 and AP;
/// a first row "all" has the totals, the class means and the COCO summary APs.
/// </summary>
public sealed class PerClassTable
{
    private PerClassTable(double threshold, PerClassRow all, IReadOnlyList<PerClassRow> rows)
    {
        ConfidenceThreshold = threshold;
        All = all;
        Rows = rows;
    }

    /// <summary>The confidence threshold precision, recall and F1 are read at (NaN without detections).</summary>
    public double ConfidenceThreshold { get; }

    /// <summary>All classes: images with any box, all boxes, means over classes with ground truth, COCO's AP50 and AP.</summary>
    public PerClassRow All { get; }

    /// <summary>One row per class, in label order.</summary>
    public IReadOnlyList<PerClassRow> Rows { get; }

    /// <param name="images">Images holding at least one box of any class (for the row of all classes).</param>
    public static PerClassTable Create(PrecisionRecallAnalysis analysis, CocoEvalResult result, ClassList classes, int images)
    {
        double t = analysis.BestThreshold;
        // Without detections there is no threshold; reading above every score keeps nothing.
        double at = double.IsNaN(t) ? double.PositiveInfinity : t;
        var apByCategory = new Dictionary<long, CocoCategoryAp>();
        foreach (var c in result.PerCategory) apByCategory[c.CategoryId] = c;
        var rows = new List<PerClassRow>(analysis.Classes.Count);
        int instances = 0;
        foreach (var c in analysis.Classes)
        {
            long id = classes.CategoryIdOf(c.Label);
            var ap = apByCategory.GetValueOrDefault(id);
            instances += c.Instances;
            // A class with boxes but nothing kept has precision 0, as a class that is never found should read.
            double precision = c.PrecisionAt(at);
            if (double.IsNaN(precision) && c.Instances > 0) precision = 0;
            double recall = c.RecallAt(at), f1 = c.F1At(at);
            rows.Add(new PerClassRow(c.Label, id, c.Name, c.Images, c.Instances, precision, recall, f1, Missing(ap?.AP50), Missing(ap?.AP)));
        }
        var all = new PerClassRow(-1, null, "all", images, instances, analysis.MeanPrecisionAt(at), analysis.MeanRecallAt(at), analysis.MeanF1At(at),
            Missing(result.AP50), Missing(result.AP));
        return new PerClassTable(t, all, rows);
    }

    // COCO writes -1 where a category has no ground truth; here that is "no value".
    private static double Missing(double? v) => v is double d && d >= 0 ? d : double.NaN;

    /// <summary>class,category_id,images,instances,precision,recall,f1,AP50,AP; "all" first; empty cells for missing values.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("class,category_id,images,instances,precision,recall,f1,AP50,AP\n");
        foreach (var r in (IEnumerable<PerClassRow>)[All, .. Rows])
        {
            sb.Append(Csv.Field(r.Name)).Append(',')
                .Append(r.CategoryId?.ToString(CultureInfo.InvariantCulture) ?? "").Append(',')
                .Append(r.Images.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(r.Instances.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Csv.Number(r.Precision)).Append(',').Append(Csv.Number(r.Recall)).Append(',').Append(Csv.Number(r.F1)).Append(',')
                .Append(Csv.Number(r.AP50)).Append(',').Append(Csv.Number(r.AP)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The table as aligned plain text for a console, "-" for missing values, with the threshold in its first line.</summary>
    public string Format()
    {
        int nameWidth = 5;
        foreach (var r in Rows) nameWidth = Math.Max(nameWidth, Math.Min(r.Name.Length, 30));
        var sb = new StringBuilder();
        sb.Append(double.IsNaN(ConfidenceThreshold)
            ? "Precision and recall: no detections.\n"
            : FormattableString.Invariant($"Precision, recall and F1 at IoU 0.5 and confidence >= {ConfidenceThreshold:0.###} (the best mean F1).\n"));
        sb.Append("class".PadRight(nameWidth)).Append("  images  instances      P      R     F1   AP50     AP\n");
        foreach (var r in (IEnumerable<PerClassRow>)[All, .. Rows])
        {
            var name = r.Name.Length > 30 ? string.Concat(r.Name.AsSpan(0, 29), "…") : r.Name;
            sb.Append(name.PadRight(nameWidth))
                .Append(r.Images.ToString(CultureInfo.InvariantCulture).PadLeft(8))
                .Append(r.Instances.ToString(CultureInfo.InvariantCulture).PadLeft(11))
                .Append(Cell(r.Precision)).Append(Cell(r.Recall)).Append(Cell(r.F1)).Append(Cell(r.AP50)).Append(Cell(r.AP)).Append('\n');
        }
        return sb.ToString();
    }

    private static string Cell(double v) => (double.IsNaN(v) ? "-" : v.ToString("F3", CultureInfo.InvariantCulture)).PadLeft(7);
}
