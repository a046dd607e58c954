using System.Globalization;

namespace RetinaSharp.Reporting;

/// <summary>
/// A histogram over a numeric axis: adjacent bars between bin edges, optional labelled vertical
/// markers (e.g. COCO's small/medium/large limits) and optional hand-placed x ticks (e.g. ratios
/// on a log axis written as 1/2, 1, 2).
/// </summary>
public sealed class SvgHistogram(string title, string xLabel, string yLabel, int width = 560, int height = 320)
{
    private double[] _edges = [0, 1];
    private double[] _counts = [0];
    private readonly List<(double X, string Label)> _markers = [];

    /// <summary>Hand-placed x ticks; null: round numbers.</summary>
    public IReadOnlyList<(double At, string Label)>? XTicks { get; init; }

    public string BarColor { get; init; } = Svg.Colors[0];

    /// <param name="edges">Bin edges, increasing; one more than <paramref name="counts"/>.</param>
    public SvgHistogram Bins(IReadOnlyList<double> edges, IReadOnlyList<double> counts)
    {
        if (edges.Count != counts.Count + 1 || counts.Count == 0) throw new ArgumentException($"{edges.Count} edges for {counts.Count} bins; give one edge more than bins.", nameof(edges));
        _edges = [.. edges];
        _counts = [.. counts];
        return this;
    }

    public SvgHistogram Marker(double x, string label)
    {
        _markers.Add((x, label));
        return this;
    }

    /// <summary>Counts of <paramref name="values"/> in <paramref name="bins"/> equal bins over [min, max]; values outside go to the end bins.</summary>
    public static double[] Count(IEnumerable<double> values, double min, double max, int bins)
    {
        var counts = new double[bins];
        double width = (max - min) / bins;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            int b = (int)Math.Floor((v - min) / width);
            counts[Math.Clamp(b, 0, bins - 1)]++;
        }
        return counts;
    }

    /// <summary>Bin edges of <paramref name="bins"/> equal bins over [min, max].</summary>
    public static double[] Edges(double min, double max, int bins)
    {
        var edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) edges[i] = min + (max - min) * i / bins;
        return edges;
    }

    public string Render()
    {
        // A little headroom, so the tallest bar does not run into the frame.
        double max = Svg.NiceCeiling(_counts.Max() * 1.05);
        var area = new SvgPlotArea(width, height, 62, 20, 30, 45, _edges[0], _edges[^1], 0, max);
        var sb = Svg.Begin(width, height);
        area.Frame(sb, title, xLabel, yLabel, XTicks);
        for (int i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] <= 0) continue;
            double x = area.X(_edges[i]), x2 = area.X(_edges[i + 1]), y = area.Y(_counts[i]);
            sb.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{Svg.Num(x)}\" y=\"{Svg.Num(y)}\" width=\"{Svg.Num(Math.Max(0.5, x2 - x - 0.5))}\" height=\"{Svg.Num(area.Bottom - y)}\" fill=\"{BarColor}\"/>");
        }
        for (int m = 0; m < _markers.Count; m++)
        {
            var (x, label) = _markers[m];
            if (x < _edges[0] || x > _edges[^1]) continue;
            double px = area.X(x);
            sb.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{Svg.Num(px)}\" x2=\"{Svg.Num(px)}\" y1=\"{Svg.Num(area.Top)}\" y2=\"{Svg.Num(area.Bottom)}\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>");
            // Labels step down, so markers close together do not write over each other.
            Svg.Text(sb, px + 4, area.Top + 12 + 12 * m, label, "start", size: 10, extra: "fill=\"#d62728\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\"");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }
}
