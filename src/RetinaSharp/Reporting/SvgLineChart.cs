using System.Globalization;
using System.Text;

namespace RetinaSharp.Reporting;

/// <summary>
/// A small self-contained SVG line chart (several series, linear or log y axis) for reports. Axes
/// follow the data unless <see cref="XRange"/>/<see cref="YRange"/> fix them (0–1 for precision and
/// recall); a series may be left out of the legend, so a chart can show many faint per-class lines
/// under one bold mean.
/// </summary>
public sealed class SvgLineChart(string title, string xLabel, string yLabel, bool logY = false, int width = 560, int height = 320)
{
    private const int LegendRowHeight = 16;
    private readonly List<Series> _series = [];
    private readonly List<(double X, double Y, string Label)> _marks = [];

    /// <summary>Fixed x axis range; null: the data's.</summary>
    public (double Min, double Max)? XRange { get; init; }

    /// <summary>Keeps the x ticks on whole numbers, for an axis of iterations or epochs.</summary>
    public bool IntegerX { get; init; }

    /// <summary>Draws a dot at every point, for series of a few measurements (one per evaluation).</summary>
    public bool Dots { get; init; }

    /// <summary>Fixed y axis range; null: the data's, widened to round numbers.</summary>
    public (double Min, double Max)? YRange { get; init; }

    /// <summary>Adds a line; non-finite points leave a gap.</summary>
    /// <param name="color">CSS colour; null: the next of the chart's palette.</param>
    /// <param name="inLegend">False for lines that are only context (e.g. one per class under their mean).</param>
    public SvgLineChart Add(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, string? color = null, double strokeWidth = 1.5, bool inLegend = true)
    {
        if (x.Count != y.Count) throw new ArgumentException($"Series \"{name}\" has {x.Count} x values but {y.Count} y values.", nameof(y));
        _series.Add(new Series(name, [.. x], [.. y], color, strokeWidth, inLegend));
        return this;
    }

    /// <summary>Marks one point with a dot and a short label (e.g. the best F1).</summary>
    public SvgLineChart Mark(double x, double y, string label)
    {
        _marks.Add((x, y, label));
        return this;
    }

    public string Render()
    {
        var legend = _series.Where(s => s.InLegend).ToList();
        double right = legend.Count > 0 ? 140 : 20;
        var (x0, x1, y0, y1) = Ranges();
        var area = new SvgPlotArea(width, height, 62, right, 30, 45, x0, x1, y0, y1, logY) { IntegerX = IntegerX };
        var sb = Svg.Begin(width, height);
        area.Frame(sb, title, xLabel, yLabel);
        int auto = 0;
        var colors = new string[_series.Count];
        for (int s = 0; s < _series.Count; s++) colors[s] = _series[s].Color ?? Svg.Colors[auto++ % Svg.Colors.Length];
        // Context lines first, so the highlighted ones stay on top.
        foreach (var pass in new[] { false, true })
            for (int s = 0; s < _series.Count; s++)
            {
                var series = _series[s];
                if (series.InLegend != pass) continue;
                sb.Append(CultureInfo.InvariantCulture,
                    $"<path d=\"{PathOf(series, area)}\" fill=\"none\" stroke=\"{colors[s]}\" stroke-width=\"{Svg.Num(series.StrokeWidth)}\" stroke-linejoin=\"round\"/>");
                // A lone point draws no line: it is shown as a dot.
                if (Dots || FinitePoints(series) == 1)
                    for (int i = 0; i < series.X.Length; i++)
                        if (double.IsFinite(series.X[i]) && double.IsFinite(series.Y[i]) && (!logY || series.Y[i] > 0))
                            sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Svg.Num(area.X(series.X[i]))}\" cy=\"{Svg.Num(area.Y(series.Y[i]))}\" r=\"3\" fill=\"{colors[s]}\"/>");
            }
        foreach (var (x, y, label) in _marks)
        {
            if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
            double px = area.X(x), py = area.Y(y);
            sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Svg.Num(px)}\" cy=\"{Svg.Num(py)}\" r=\"4\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\"/>");
            bool leftSide = px > area.Left + area.Width * 0.7;
            // A white outline keeps the label readable over the lines it crosses.
            Svg.Text(sb, leftSide ? px - 8 : px + 8, py - 8, label, leftSide ? "end" : "start",
                extra: "stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\" font-weight=\"bold\"");
        }
        int rows = Math.Max(1, (int)((area.Height - 4) / LegendRowHeight));
        int shown = legend.Count <= rows ? legend.Count : rows - 1;
        double lx = area.Right + 10;
        for (int i = 0; i < shown; i++)
        {
            var series = legend[i];
            double ly = area.Top + 12 + i * LegendRowHeight;
            sb.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{Svg.Num(lx)}\" x2=\"{Svg.Num(lx + 18)}\" y1=\"{Svg.Num(ly)}\" y2=\"{Svg.Num(ly)}\" stroke=\"{colors[_series.IndexOf(series)]}\" stroke-width=\"{Svg.Num(Math.Max(2, series.StrokeWidth))}\"/>");
            Svg.Text(sb, lx + 22, ly + 4, Svg.Clip(series.Name, 19), "start");
        }
        if (shown < legend.Count) Svg.Text(sb, lx + 22, area.Top + 16 + shown * LegendRowHeight, $"+{legend.Count - shown} more", "start");
        sb.Append("</svg>");
        return sb.ToString();
    }

    private (double X0, double X1, double Y0, double Y1) Ranges()
    {
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity, yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        foreach (var s in _series)
            for (int i = 0; i < s.X.Length; i++)
            {
                if (!double.IsFinite(s.X[i]) || !double.IsFinite(s.Y[i]) || (logY && s.Y[i] <= 0)) continue;
                xMin = Math.Min(xMin, s.X[i]);
                xMax = Math.Max(xMax, s.X[i]);
                yMin = Math.Min(yMin, s.Y[i]);
                yMax = Math.Max(yMax, s.Y[i]);
            }
        if (!double.IsFinite(xMin)) (xMin, xMax, yMin, yMax) = (0, 1, logY ? 0.1 : 0, 1);
        if (xMax <= xMin) xMax = xMin + 1;
        if (yMax <= yMin) (yMin, yMax) = logY ? (yMin / 2, yMax * 2) : (yMin - 0.5, yMax + 0.5);
        if (!logY)
        {
            double step = Svg.NiceStep((yMax - yMin) / 5);
            yMin = Math.Floor(yMin / step + 1e-9) * step;
            yMax = Math.Ceiling(yMax / step - 1e-9) * step;
        }
        if (XRange is { } xr) (xMin, xMax) = (xr.Min, xr.Max);
        if (YRange is { } yr) (yMin, yMax) = (yr.Min, yr.Max);
        return (xMin, xMax, yMin, yMax);
    }

    private int FinitePoints(Series series)
    {
        int n = 0;
        for (int i = 0; i < series.X.Length; i++)
            if (double.IsFinite(series.X[i]) && double.IsFinite(series.Y[i]) && (!logY || series.Y[i] > 0)) n++;
        return n;
    }

    private string PathOf(Series series, SvgPlotArea area)
    {
        var path = new StringBuilder();
        bool pen = false;
        for (int i = 0; i < series.X.Length; i++)
        {
            double x = series.X[i], y = series.Y[i];
            if (!double.IsFinite(x) || !double.IsFinite(y) || (logY && y <= 0))
            {
                pen = false;
                continue;
            }
            path.Append(pen ? 'L' : 'M').Append(Svg.Num(area.X(x))).Append(',').Append(Svg.Num(area.Y(y))).Append(' ');
            pen = true;
        }
        return path.ToString();
    }

    private sealed record Series(string Name, double[] X, double[] Y, string? Color, double StrokeWidth, bool InLegend);
}
