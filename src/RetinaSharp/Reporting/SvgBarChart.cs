using System.Globalization;

namespace RetinaSharp.Reporting;

/// <summary>
/// A vertical bar chart over named categories (e.g. instances per class). With many bars the
/// names turn to a slant and, beyond what fits, only every n-th is written; the canvas grows
/// downwards to hold them rather than squeezing the bars.
/// </summary>
public sealed class SvgBarChart(string title, string xLabel, string yLabel, int width = 640, int height = 340)
{
    private readonly List<(string Label, double Value, string? Color)> _bars = [];

    public SvgBarChart Add(string label, double value, string? color = null)
    {
        _bars.Add((label, value, color));
        return this;
    }

    public string Render()
    {
        const double fontSize = 11;
        const int left = 62, right = 20, top = 30;
        int n = Math.Max(1, _bars.Count);
        double plotWidth = width - left - right;
        double slot = plotWidth / n;
        int longest = _bars.Count == 0 ? 1 : _bars.Max(b => Math.Min(b.Label.Length, 18));
        bool slanted = _bars.Any(b => Svg.TextWidth(Svg.Clip(b.Label, 18), fontSize) > slot - 2);
        // Slanted labels take room below the axis in proportion to their length (sin 45°).
        double labelSpace = slanted ? Svg.TextWidth(new string('x', longest), fontSize) * 0.71 + 12 : 18;
        int every = slanted ? Math.Max(1, (int)Math.Ceiling(fontSize * 1.3 / slot)) : 1;
        double bottom = labelSpace + 30;
        double totalHeight = height + labelSpace;
        // Headroom for the values written above the bars.
        double max = Svg.NiceCeiling(_bars.Count == 0 ? 1 : _bars.Max(b => b.Value) * 1.08);
        var area = new SvgPlotArea(width, totalHeight, left, right, top, bottom, 0, n, 0, max);
        var sb = Svg.Begin(width, totalHeight);
        // The x axis is categorical: no numeric ticks there, the names are written below.
        area.Frame(sb, title, "", yLabel, []);
        Svg.Text(sb, area.Left + area.Width / 2, totalHeight - 8, xLabel);
        double gap = Math.Min(slot * 0.2, 6);
        bool values = slot >= 26;
        for (int i = 0; i < _bars.Count; i++)
        {
            var (label, value, color) = _bars[i];
            double x = area.X(i) + gap / 2, w = Math.Max(0.5, slot - gap);
            double y = area.Y(Math.Max(0, value));
            sb.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{Svg.Num(x)}\" y=\"{Svg.Num(y)}\" width=\"{Svg.Num(w)}\" height=\"{Svg.Num(area.Bottom - y)}\" fill=\"{color ?? Svg.Colors[0]}\"><title>{Svg.Escape(label)}: {Svg.Escape(Format(value))}</title></rect>");
            if (values) Svg.Text(sb, x + w / 2, y - 3, Format(value), size: 10);
            if (i % every != 0) continue;
            double cx = x + w / 2;
            if (slanted)
                Svg.Text(sb, cx + 3, area.Bottom + 10, Svg.Clip(label, 18), "end", extra: $"transform=\"rotate(-45 {Svg.Num(cx + 3)} {Svg.Num(area.Bottom + 10)})\"");
            else
                Svg.Text(sb, cx, area.Bottom + 14, label);
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string Format(double v) =>
        v == Math.Floor(v) && Math.Abs(v) < 1e15 ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString("G3", CultureInfo.InvariantCulture);
}
