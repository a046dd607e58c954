using System.Globalization;

namespace RetinaSharp.Reporting;

/// <summary>
/// The precision–recall, F1–, precision– and recall–confidence charts of a report, as ultralytics
/// draws them: one line per class (coloured and named up to ten classes, thin grey beyond, where
/// names would only be noise) under a bold mean over the classes with ground truth.
/// </summary>
internal static class CurveCharts
{
    private const int MaxNamedClasses = 10;
    private const string MeanColor = "#1f3b99";

    /// <summary>0, 0.01, …, 1: COCO's recall levels, and fine enough a confidence axis to read a threshold off.</summary>
    public static readonly double[] Grid = [.. Enumerable.Range(0, 101).Select(i => i / 100.0)];

    public static string PrecisionRecall(PrecisionRecallAnalysis analysis, PerClassTable table)
    {
        var chart = Chart("Precision–recall, IoU 0.5", "recall", "precision");
        var curves = analysis.Classes.Select(c => c.InterpolatedPrecision(Grid)).ToList();
        for (int i = 0; i < analysis.Classes.Count; i++)
        {
            var c = analysis.Classes[i];
            if (c.Instances == 0) continue;
            AddClass(chart, analysis, c, $"{c.Name} {Number(table.Rows[i].AP50)}", Grid, curves[i]);
        }
        var mean = new double[Grid.Length];
        for (int j = 0; j < Grid.Length; j++) mean[j] = MeanOf(curves, j);
        chart.Add($"all {Number(table.All.AP50)} AP50", Grid, mean, MeanColor, 3);
        return chart.Render();
    }

    public static string F1(PrecisionRecallAnalysis analysis) =>
        Confidence(analysis, "F1–confidence, IoU 0.5", "F1", (c, t) => c.F1At(t), analysis.MeanF1At, analysis.BestMeanF1);

    public static string Precision(PrecisionRecallAnalysis analysis) =>
        Confidence(analysis, "Precision–confidence, IoU 0.5", "precision", (c, t) => c.PrecisionAt(t), null, null);

    public static string Recall(PrecisionRecallAnalysis analysis) =>
        Confidence(analysis, "Recall–confidence, IoU 0.5", "recall", (c, t) => c.RecallAt(t), analysis.MeanRecallAt, null);

    /// <param name="mean">The mean line; null: the mean of the defined class values at each point.</param>
    /// <param name="best">Marks this value at the best threshold.</param>
    private static string Confidence(PrecisionRecallAnalysis analysis, string title, string yLabel, Func<ClassPrecisionRecall, double, double> value,
        Func<double, double>? mean, double? best)
    {
        var chart = Chart(title, "confidence", yLabel);
        var curves = new List<double[]>();
        foreach (var c in analysis.Classes)
        {
            var y = new double[Grid.Length];
            for (int j = 0; j < Grid.Length; j++) y[j] = value(c, Grid[j]);
            curves.Add(y);
            if (c.Instances > 0) AddClass(chart, analysis, c, c.Name, Grid, y);
        }
        var m = new double[Grid.Length];
        for (int j = 0; j < Grid.Length; j++) m[j] = mean?.Invoke(Grid[j]) ?? MeanOf(curves, j, analysis);
        double t = analysis.BestThreshold;
        double atBest = double.IsNaN(t) ? double.NaN : best ?? (mean?.Invoke(t) ?? MeanAt(analysis, value, t));
        chart.Add(double.IsNaN(atBest) ? "all classes" : $"all {Number(atBest)} at {t.ToString("0.00", CultureInfo.InvariantCulture)}", Grid, m, MeanColor, 3);
        if (!double.IsNaN(atBest)) chart.Mark(t, atBest, FormattableString.Invariant($"{atBest:0.00} at {t:0.00}"));
        return chart.Render();
    }

    private static SvgLineChart Chart(string title, string x, string y) =>
        new(title, x, y, width: 560, height: 420) { XRange = (0, 1), YRange = (0, 1.02) };

    private static void AddClass(SvgLineChart chart, PrecisionRecallAnalysis analysis, ClassPrecisionRecall c, string name, double[] x, double[] y)
    {
        bool named = analysis.Classes.Count(k => k.Instances > 0) <= MaxNamedClasses;
        chart.Add(name, x, y, named ? Svg.Colors[c.Label % Svg.Colors.Length] : "#c8c8c8", named ? 1.5 : 1, inLegend: named);
    }

    private static double MeanOf(List<double[]> curves, int j, PrecisionRecallAnalysis? analysis = null)
    {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < curves.Count; c++)
        {
            if (analysis != null && analysis.Classes[c].Instances == 0) continue;
            double v = curves[c][j];
            if (double.IsNaN(v)) continue;
            sum += v;
            n++;
        }
        return n == 0 ? double.NaN : sum / n;
    }

    private static double MeanAt(PrecisionRecallAnalysis analysis, Func<ClassPrecisionRecall, double, double> value, double t)
    {
        double sum = 0;
        int n = 0;
        foreach (var c in analysis.Classes)
        {
            if (c.Instances == 0) continue;
            double v = value(c, t);
            if (double.IsNaN(v)) continue;
            sum += v;
            n++;
        }
        return n == 0 ? double.NaN : sum / n;
    }

    private static string Number(double v) => double.IsNaN(v) ? "-" : v.ToString("0.000", CultureInfo.InvariantCulture);
}
