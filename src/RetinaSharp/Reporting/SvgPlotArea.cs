using System.Globalization;
using System.Text;

namespace RetinaSharp.Reporting;

/// <summary>
/// The rectangle a chart draws its data in, with the mapping from data to pixels and the frame
/// around it: title, axis titles, round ticks and light grid lines. Shared so that every chart of a
/// report reads the same way.
/// </summary>
internal sealed class SvgPlotArea
{
    private readonly double _x0, _x1, _y0, _y1;
    private readonly bool _logY, _invertY;

    /// <param name="logY">A log10 y axis; <paramref name="y0"/> and <paramref name="y1"/> are data values (positive).</param>
    /// <param name="invertY">y grows downwards, as in image coordinates.</param>
    public SvgPlotArea(double width, double height, double left, double right, double top, double bottom,
        double x0, double x1, double y0, double y1, bool logY = false, bool invertY = false)
    {
        CanvasWidth = width;
        CanvasHeight = height;
        Left = left;
        Top = top;
        Width = Math.Max(1, width - left - right);
        Height = Math.Max(1, height - top - bottom);
        _logY = logY;
        _invertY = invertY;
        _x0 = x0;
        _x1 = x1 > x0 ? x1 : x0 + 1;
        _y0 = logY ? Math.Log10(Math.Max(y0, 1e-12)) : y0;
        _y1 = logY ? Math.Log10(Math.Max(y1, 1e-12)) : y1;
        if (!(_y1 > _y0)) _y1 = _y0 + 1;
    }

    /// <summary>Keeps the automatic x ticks on whole numbers (iterations, epochs).</summary>
    public bool IntegerX { get; init; }

    public double CanvasWidth { get; }
    public double CanvasHeight { get; }
    public double Left { get; }
    public double Top { get; }
    public double Width { get; }
    public double Height { get; }
    public double Right => Left + Width;
    public double Bottom => Top + Height;

    public double X(double x) => Left + (x - _x0) / (_x1 - _x0) * Width;

    public double Y(double y)
    {
        double v = _logY ? Math.Log10(Math.Max(y, 1e-12)) : y;
        double f = (v - _y0) / (_y1 - _y0);
        return _invertY ? Top + f * Height : Bottom - f * Height;
    }

    /// <summary>Title, axis titles, ticks and grid; <paramref name="xTicks"/> replaces the automatic x ticks, and an empty list hides them.</summary>
    public void Frame(StringBuilder sb, string title, string xLabel, string yLabel, IReadOnlyList<(double At, string Label)>? xTicks = null)
    {
        Svg.Text(sb, CanvasWidth / 2, 18, title, size: 13);
        foreach (var (at, label) in YTicks())
        {
            double py = Y(at);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Svg.Num(Left)}\" x2=\"{Svg.Num(Right)}\" y1=\"{Svg.Num(py)}\" y2=\"{Svg.Num(py)}\" stroke=\"#e6e6e6\"/>");
            Svg.Text(sb, Left - 5, py + 4, label, "end");
        }
        foreach (var (at, label) in xTicks ?? XTicks())
        {
            double px = X(at);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Svg.Num(px)}\" x2=\"{Svg.Num(px)}\" y1=\"{Svg.Num(Top)}\" y2=\"{Svg.Num(Bottom)}\" stroke=\"#f0f0f0\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Svg.Num(px)}\" x2=\"{Svg.Num(px)}\" y1=\"{Svg.Num(Bottom)}\" y2=\"{Svg.Num(Bottom + 4)}\" stroke=\"#999\"/>");
            Svg.Text(sb, px, Bottom + 15, label);
        }
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Svg.Num(Left)}\" y=\"{Svg.Num(Top)}\" width=\"{Svg.Num(Width)}\" height=\"{Svg.Num(Height)}\" fill=\"none\" stroke=\"#999\"/>");
        Svg.Text(sb, Left + Width / 2, Bottom + 32, xLabel);
        double cy = Top + Height / 2;
        Svg.Text(sb, 14, cy, yLabel, extra: $"transform=\"rotate(-90 14 {Svg.Num(cy)})\"");
    }

    private List<(double, string)> XTicks()
    {
        var ticks = Svg.NiceTicks(_x0, _x1, Math.Clamp((int)(Width / 70), 2, 10), IntegerX ? 1 : 0);
        double step = ticks.Length > 1 ? ticks[1] - ticks[0] : 1;
        return [.. ticks.Select(t => (t, Svg.TickLabel(t, step)))];
    }

    private List<(double, string)> YTicks()
    {
        int target = Math.Clamp((int)(Height / 45), 2, 10);
        if (_logY)
        {
            var powers = new List<(double, string)>();
            for (double p = Math.Ceiling(_y0 - 1e-9); p <= _y1 + 1e-9; p++)
                powers.Add((Math.Pow(10, p), Math.Pow(10, p).ToString("G3", CultureInfo.InvariantCulture)));
            if (powers.Count >= 2) return powers;
            // Less than a decade: round steps of the logarithm, labelled by their values.
            return [.. Svg.NiceTicks(_y0, _y1, target).Select(t => (Math.Pow(10, t), Math.Pow(10, t).ToString("G3", CultureInfo.InvariantCulture)))];
        }
        var ticks = Svg.NiceTicks(_y0, _y1, target);
        double step = ticks.Length > 1 ? ticks[1] - ticks[0] : 1;
        return [.. ticks.Select(t => (t, Svg.TickLabel(t, step)))];
    }
}
