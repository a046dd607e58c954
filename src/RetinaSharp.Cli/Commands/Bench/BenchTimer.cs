using System.Diagnostics;

namespace RetinaSharp.Cli.Commands.Bench;

/// <summary>
/// Times benchmark steps: a few untimed warm-up runs (JIT tiering, page faults, worker start-up), then
/// timed runs whose median is reported.
/// </summary>
internal static class BenchTimer
{
    /// <summary>Runs every step <paramref name="warmups"/> times untimed, then returns each step's median of <paramref name="repeats"/> timed runs.</summary>
    public static double[] MedianSeconds(IReadOnlyList<Action> steps, int warmups, int repeats, bool paced)
    {
        foreach (var step in steps)
            for (int i = 0; i < warmups; i++) step();

        var samples = new List<double>[steps.Count];
        for (int s = 0; s < steps.Count; s++) samples[s] = [];
        if (paced)
        {
            // Another process (e.g. a baseline library) drives the timing: one timed run of every step
            // per input line, so both sides see the same machine load on a shared computer.
            Console.WriteLine("ready");
            while (Console.ReadLine() != null)
            {
                var line = new double[steps.Count];
                for (int s = 0; s < steps.Count; s++) samples[s].Add(line[s] = Time(steps[s]));
                Console.WriteLine(string.Join(' ', line.Select(t => t.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
            }
        }
        else
        {
            for (int i = 0; i < Math.Max(1, repeats); i++)
                for (int s = 0; s < steps.Count; s++) samples[s].Add(Time(steps[s]));
        }
        return samples.Select(Median).ToArray();
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0) return double.NaN;
        values.Sort();
        int mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
    }
}
