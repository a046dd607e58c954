using System.Diagnostics;
using System.Text.Json;

namespace RetinaSharp.Cli.Commands.Bench;

/// <summary>Timing helpers shared by the benchmarks: warm-up, then the median of several runs.</summary>
internal static class BenchTiming
{
    public static double MedianSeconds(Action run, int repeats, int warmup = 1)
    {
        for (int i = 0; i < warmup; i++) run();
        var times = new double[Math.Max(1, repeats)];
        for (int i = 0; i < times.Length; i++)
        {
            var sw = Stopwatch.StartNew();
            run();
            times[i] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times.Length % 2 == 1 ? times[times.Length / 2] : 0.5 * (times[times.Length / 2 - 1] + times[times.Length / 2]);
    }

    public static void WriteJson(string? path, Dictionary<string, object> values)
    {
        if (string.IsNullOrEmpty(path)) return;
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(values, new JsonSerializerOptions { WriteIndented = true }));
    }
}
