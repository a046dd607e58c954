using System.Globalization;
using System.Text;

namespace RetinaSharp.Reporting;

/// <summary>A small self-contained SVG line chart (several series, linear or log y axis) for reports.</summary>
public sealed class SvgLineChart(string title, string xLabel, string yLabel, bool logY = false, int width = 560, int height = 320)
{
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];
    private readonly List<(string Name, double[] X, double[] Y)> _series = [];

    public SvgLineChart Add(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        _series.Add((name, x.ToArray(), y.ToArray()));
        return this;
    }

    public string Render()
    {
        const int left = 60, right = 130, top = 30, bottom = 45;
        double pw = width - left - right, ph = height - top - bottom;
        double Ty(double v) => logY ? Math.Log10(Math.Max(v, 1e-12)) : v;
        var pts = _series.SelectMany(s => s.X.Zip(s.Y)).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToList();
        double x0 = pts.Count > 0 ? pts.Min(p => p.First) : 0, x1 = pts.Count > 0 ? pts.Max(p => p.First) : 1;
        double y0 = pts.Count > 0 ? pts.Min(p => Ty(p.Second)) : 0, y1 = pts.Count > 0 ? pts.Max(p => Ty(p.Second)) : 1;
        if (x1 <= x0) x1 = x0 + 1;
        if (y1 <= y0) y1 = y0 + 1;
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        double Px(double x) => left + (x - x0) / (x1 - x0) * pw;
        double Py(double y) => top + ph - (Ty(y) - y0) / (y1 - y0) * ph;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{F(pw)}\" height=\"{F(ph)}\" fill=\"none\" stroke=\"#999\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">{Escape(title)}</text>");
        for (int i = 0; i <= 4; i++)
        {
            double fy = y0 + (y1 - y0) * i / 4, fx = x0 + (x1 - x0) * i / 4;
            double py = top + ph - ph * i / 4, px = left + pw * i / 4;
            string yl = logY ? Math.Pow(10, fy).ToString("G3", CultureInfo.InvariantCulture) : fy.ToString("G3", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 5}\" y=\"{F(py + 4)}\" text-anchor=\"end\">{yl}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(px)}\" y=\"{top + ph + 15}\" text-anchor=\"middle\">{fx.ToString("G4", CultureInfo.InvariantCulture)}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" x2=\"{F(left + pw)}\" y1=\"{F(py)}\" y2=\"{F(py)}\" stroke=\"#eee\"/>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left + pw / 2)}\" y=\"{height - 8}\" text-anchor=\"middle\">{Escape(xLabel)}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{F(top + ph / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {F(top + ph / 2)})\">{Escape(yLabel)}</text>");
        for (int s = 0; s < _series.Count; s++)
        {
            var (name, xs, ys) = _series[s];
            var color = Colors[s % Colors.Length];
            var path = new StringBuilder();
            for (int i = 0; i < xs.Length; i++)
            {
                if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i])) continue;
                path.Append(path.Length == 0 ? 'M' : 'L').Append(F(Px(xs[i]))).Append(',').Append(F(Py(ys[i]))).Append(' ');
            }
            sb.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{width - right + 10}\" x2=\"{width - right + 28}\" y1=\"{top + 12 + s * 16}\" y2=\"{top + 12 + s * 16}\" stroke=\"{color}\" stroke-width=\"2\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - right + 32}\" y=\"{top + 16 + s * 16}\">{Escape(name)}</text>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string Escape(string s) => System.Net.WebUtility.HtmlEncode(s);
}
