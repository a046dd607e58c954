using System.Globalization;
using System.Text;

namespace RetinaSharp.Serving;

/// <summary>A cumulative histogram written in the Prometheus text exposition format.</summary>
internal sealed class PrometheusHistogram
{
    private readonly string _name;
    private readonly string _help;
    private readonly double[] _bounds;
    private readonly long[] _counts;
    private readonly Lock _lock = new();
    private double _sum;
    private long _count;

    public PrometheusHistogram(string name, string help, IReadOnlyList<double> upperBounds)
    {
        _name = name;
        _help = help;
        _bounds = [.. upperBounds];
        for (int i = 1; i < _bounds.Length; i++)
            if (!(_bounds[i] > _bounds[i - 1])) throw new ArgumentException("Bucket bounds must increase.", nameof(upperBounds));
        _counts = new long[_bounds.Length];
    }

    public void Observe(double value)
    {
        lock (_lock)
        {
            // Stored per bucket, summed when written: one increment per observation.
            int i = 0;
            while (i < _bounds.Length && value > _bounds[i]) i++;
            if (i < _bounds.Length) _counts[i]++;
            _sum += value;
            _count++;
        }
    }

    public void WriteTo(StringBuilder text)
    {
        long[] counts;
        double sum;
        long count;
        lock (_lock)
        {
            counts = (long[])_counts.Clone();
            sum = _sum;
            count = _count;
        }
        text.Append("# HELP ").Append(_name).Append(' ').Append(_help).Append('\n');
        text.Append("# TYPE ").Append(_name).Append(" histogram\n");
        long cumulative = 0;
        for (int i = 0; i < _bounds.Length; i++)
        {
            cumulative += counts[i];
            text.Append(_name).Append("_bucket{le=\"").Append(PrometheusNumber(_bounds[i])).Append("\"} ")
                .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        text.Append(_name).Append("_bucket{le=\"+Inf\"} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append(_name).Append("_sum ").Append(PrometheusNumber(sum)).Append('\n');
        text.Append(_name).Append("_count ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    public static string PrometheusNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
