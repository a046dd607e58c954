using System.Diagnostics;

namespace RetinaSharp.Cli.Commands.Bench;

/// <summary>Times an action: a few untimed warm-up runs (JIT tiering, page faults, worker start-up), then the median of timed runs.</summary>
internal static class BenchTimer
{
    public static double MedianSeconds(Action action, int warmups, int repeats)
    {
        for (int i = 0; i < warmups; i++) action();
        var seconds = new double[Math.Max(1, repeats)];
        for (int i = 0; i < seconds.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(seconds);
        int mid = seconds.Length / 2;
        return seconds.Length % 2 == 1 ? seconds[mid] : 0.5 * (seconds[mid - 1] + seconds[mid]);
    }
}
