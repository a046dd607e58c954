using System.Diagnostics;

namespace RetinaSharp.Tensors;

/// <summary>
/// Where a training step spends its time, per op: forward time is the time since the previous
/// recorded op on this thread (ops run one after another), backward time is measured around each
/// node. Enabled by the environment variable RETINASHARP_PROFILE=1; off, it costs one branch per op.
/// </summary>
public static class OpProfiler
{
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("RETINASHARP_PROFILE") == "1";

    private static readonly Dictionary<string, (double Forward, double Backward, long Calls)> Totals = new();
    private static readonly Lock Gate = new();
    [ThreadStatic] private static long _last;

    /// <summary>Starts a forward interval (call before the first op of a step).</summary>
    public static void Mark() => _last = Stopwatch.GetTimestamp();

    internal static void Forward(string op)
    {
        long now = Stopwatch.GetTimestamp();
        if (_last != 0) Add(op, Stopwatch.GetElapsedTime(_last, now).TotalSeconds, 0);
        _last = now;
    }

    internal static void Backward(string op, double seconds)
    {
        Add(op, 0, seconds);
        _last = Stopwatch.GetTimestamp();
    }

    private static void Add(string op, double f, double b)
    {
        lock (Gate)
        {
            Totals.TryGetValue(op, out var t);
            Totals[op] = (t.Forward + f, t.Backward + b, t.Calls + (f > 0 ? 1 : 0));
        }
    }

    /// <summary>A table of the ops by total time, largest first.</summary>
    public static string Report()
    {
        lock (Gate)
        {
            var sb = new System.Text.StringBuilder("op                              forward s  backward s   calls\n");
            foreach (var (op, t) in Totals.OrderByDescending(kv => kv.Value.Forward + kv.Value.Backward))
                sb.AppendLine($"{op,-30} {t.Forward,10:F3} {t.Backward,11:F3} {t.Calls,7}");
            return sb.ToString();
        }
    }

    public static void Reset()
    {
        lock (Gate) Totals.Clear();
    }
}
