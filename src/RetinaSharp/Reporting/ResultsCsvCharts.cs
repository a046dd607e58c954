using System.Globalization;

namespace RetinaSharp.Reporting;

/// <summary>
/// Charts of a training run's results.csv (one row per evaluation): the COCO APs and the losses
/// against the iteration. Reads the columns by name, so it needs nothing of the trainer.
/// </summary>
public static class ResultsCsvCharts
{
    /// <summary>(file name, SVG) for each chart the file has columns for; none when it has no rows.</summary>
    public static List<(string FileName, string Svg)> Render(string csvPath)
    {
        var charts = new List<(string, string)>();
        var lines = File.ReadAllLines(csvPath).Where(l => l.Length > 0).ToList();
        if (lines.Count < 2) return charts;
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        double[]? Column(string name)
        {
            int i = Array.IndexOf(header, name);
            if (i < 0) return null;
            return [.. rows.Select(r => i < r.Length && double.TryParse(r[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN)];
        }
        var x = Column("iteration");
        if (x == null) return charts;
        var metrics = new SvgLineChart("Validation AP during training", "iteration", "AP", width: 560, height: 360) { Dots = true, IntegerX = true };
        if (AddSeries(metrics, x, "AP50", Column("AP50")) | AddSeries(metrics, x, "AP75", Column("AP75")) | AddSeries(metrics, x, "AP", Column("AP")))
            charts.Add(("results_ap.svg", metrics.Render()));
        var losses = new SvgLineChart("Loss during training", "iteration", "loss", width: 560, height: 360) { Dots = true, IntegerX = true };
        if (AddSeries(losses, x, "train", Column("train_loss")) | AddSeries(losses, x, "val classification", Column("val_classification"))
            | AddSeries(losses, x, "val box regression", Column("val_box_regression")))
            charts.Add(("results_loss.svg", losses.Render()));
        return charts;
    }

    private static bool AddSeries(SvgLineChart chart, double[] x, string name, double[]? y)
    {
        // COCO writes -1 where a number has no ground truth; that is no point to draw.
        if (y == null || !y.Any(v => double.IsFinite(v) && v >= 0)) return false;
        chart.Add(name, x, [.. y.Select(v => v < 0 ? double.NaN : v)]);
        return true;
    }
}
