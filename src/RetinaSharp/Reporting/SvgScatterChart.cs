using System.Globalization;

namespace RetinaSharp.Reporting;

/// <summary>
/// Points on two numeric axes, small and translucent so that dense regions show as darker. The y
/// axis may point down (<see cref="InvertY"/>), so positions in an image appear where they are.
/// </summary>
public sealed class SvgScatterChart(string title, string xLabel, string yLabel, int width = 420, int height = 420)
{
    private readonly List<(double X, double Y)> _points = [];

    public (double Min, double Max) XRange { get; init; } = (0, 1);
    public (double Min, double Max) YRange { get; init; } = (0, 1);
    public bool InvertY { get; init; }
    public string PointColor { get; init; } = Svg.Colors[0];

    /// <summary>At most this many points are drawn (evenly spaced over the list), which keeps the file small; the title says so.</summary>
    public int MaxPoints { get; init; } = 5000;

    public SvgScatterChart Add(double x, double y)
    {
        _points.Add((x, y));
        return this;
    }

    public string Render()
    {
        int stride = Math.Max(1, (int)Math.Ceiling(_points.Count / (double)MaxPoints));
        var area = new SvgPlotArea(width, height, 50, 20, 30, 45, XRange.Min, XRange.Max, YRange.Min, YRange.Max, invertY: InvertY);
        var sb = Svg.Begin(width, height);
        var shownTitle = stride > 1 ? $"{title} ({(_points.Count + stride - 1) / stride} of {_points.Count} shown)" : title;
        area.Frame(sb, shownTitle, xLabel, yLabel);
        // Sparse charts get bigger, more opaque dots; dense ones small, faint ones that add up.
        double r = _points.Count > 2000 ? 1.2 : _points.Count > 200 ? 1.8 : 2.5;
        double opacity = _points.Count > 2000 ? 0.25 : _points.Count > 200 ? 0.45 : 0.7;
        sb.Append(CultureInfo.InvariantCulture, $"<g fill=\"{PointColor}\" fill-opacity=\"{Svg.Num(opacity)}\">");
        for (int i = 0; i < _points.Count; i += stride)
        {
            var (x, y) = _points[i];
            if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
            sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Svg.Num(area.X(x))}\" cy=\"{Svg.Num(area.Y(y))}\" r=\"{Svg.Num(r)}\"/>");
        }
        sb.Append("</g></svg>");
        return sb.ToString();
    }
}
