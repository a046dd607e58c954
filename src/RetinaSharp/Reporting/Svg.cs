using System.Globalization;
using System.Net;
using System.Text;

namespace RetinaSharp.Reporting;

/// <summary>What every chart of a report shares: number formatting, escaping, tick placement and colours.</summary>
internal static class Svg
{
    /// <summary>Ten distinct colours (matplotlib's tab10), so charts look familiar next to Python plots.</summary>
    public static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];

    /// <summary>A coordinate: at most two decimals, invariant culture, so files are the same on every machine.</summary>
    public static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Escape(string s) => WebUtility.HtmlEncode(s);

    /// <summary>
    /// Opens an SVG document with a white background: a transparent chart is unreadable on a dark
    /// page or in a dark-mode image viewer.
    /// </summary>
    public static StringBuilder Begin(double width, double height)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Num(width)}\" height=\"{Num(height)}\" viewBox=\"0 0 {Num(width)} {Num(height)}\" font-family=\"sans-serif\" font-size=\"11\">");
        sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        return sb;
    }

    public static void Text(StringBuilder sb, double x, double y, string text, string anchor = "middle", double? size = null, string? extra = null)
    {
        sb.Append("<text x=\"").Append(Num(x)).Append("\" y=\"").Append(Num(y)).Append("\" text-anchor=\"").Append(anchor).Append('"');
        if (size is double s) sb.Append(" font-size=\"").Append(Num(s)).Append('"');
        if (extra != null) sb.Append(' ').Append(extra);
        sb.Append('>').Append(Escape(text)).Append("</text>");
    }

    /// <summary>
    /// Round tick values (1, 2, 2.5 or 5 times a power of ten apart) covering [min, max] with about
    /// <paramref name="target"/> intervals; people read 0.2, 0.4 faster than 0.237, 0.474.
    /// </summary>
    /// <param name="minStep">The least spacing: 1 keeps an axis of counts or iterations on whole numbers.</param>
    public static double[] NiceTicks(double min, double max, int target = 5, double minStep = 0)
    {
        if (!(max > min)) return [min];
        double step = Math.Max(minStep, NiceStep((max - min) / Math.Max(1, target)));
        var ticks = new List<double>();
        double first = Math.Ceiling(min / step - 1e-9) * step;
        for (int i = 0; ; i++)
        {
            double t = first + i * step;
            if (t > max + step * 1e-9) break;
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        }
        return [.. ticks];
    }

    public static double NiceStep(double rough)
    {
        if (!(rough > 0) || !double.IsFinite(rough)) return 1;
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double f = rough / power;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * power;
    }

    /// <summary>The smallest round number at or above <paramref name="v"/>, for an axis that starts at 0.</summary>
    public static double NiceCeiling(double v)
    {
        if (!(v > 0)) return 1;
        double step = NiceStep(v / 5);
        return Math.Ceiling(v / step - 1e-9) * step;
    }

    /// <summary>A tick label with as many decimals as the tick spacing needs, and no more.</summary>
    public static string TickLabel(double v, double step)
    {
        if (Math.Abs(v) >= 100000) return v.ToString("G3", CultureInfo.InvariantCulture);
        int decimals = 0;
        while (decimals < 6 && step > 0)
        {
            double scaled = step * Math.Pow(10, decimals);
            if (Math.Abs(scaled - Math.Round(scaled)) <= 1e-6 * Math.Max(1, scaled)) break;
            decimals++;
        }
        return v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>Shortens a label to <paramref name="max"/> characters with an ellipsis, so long class names do not run into the plot.</summary>
    public static string Clip(string s, int max) => s.Length <= max ? s : string.Concat(s.AsSpan(0, Math.Max(1, max - 1)), "…");

    /// <summary>Approximate width of a label in the chart's sans-serif font, for layout without a font engine.</summary>
    public static double TextWidth(string s, double fontSize) => s.Length * fontSize * 0.6;
}
