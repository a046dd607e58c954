using RetinaSharp.Tensors.Kernels;

namespace RetinaSharp.Tensors;

/// <summary>
/// Splits element-wise and per-plane loops across threads when the work is large enough to pay
/// for the hand-off; small tensors stay on the calling thread. The chunks run on the kernels' own
/// worker pool (<see cref="KernelThreads"/>), so element-wise ops and GEMMs share one set of threads
/// instead of competing with the .NET thread pool. Chunk boundaries depend only on the sizes and
/// <see cref="KernelThreads.MaxThreads"/>, so per-chunk partial sums reduce reproducibly.
/// </summary>
internal static class ParallelRange
{
    /// <summary>Work (in elements) below which a chunk is not worth its own thread.</summary>
    public const long MinChunk = 32 * 1024;

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, count) in contiguous chunks of at least <paramref name="minChunk"/>.</summary>
    public static void For(long count, long minChunk, Action<long, long> body)
    {
        if (count <= 0) return;
        int parts = Partitions(count, minChunk);
        if (parts <= 1)
        {
            body(0, count);
            return;
        }
        KernelThreads.For(parts, 1, (first, end) =>
        {
            for (int p = first; p < end; p++) body(count * p / parts, count * (p + 1) / parts);
        });
    }

    /// <summary>
    /// Runs <paramref name="body"/>(first, end) over <paramref name="units"/> independent units (planes,
    /// channels, groups) of about <paramref name="costPerUnit"/> elements each.
    /// </summary>
    public static void ForUnits(int units, long costPerUnit, Action<int, int> body)
    {
        if (units <= 0) return;
        long total = (long)units * Math.Max(costPerUnit, 1);
        int parts = Math.Min(units, Partitions(total, MinChunk));
        if (parts <= 1)
        {
            body(0, units);
            return;
        }
        KernelThreads.For(parts, 1, (first, end) =>
        {
            for (int p = first; p < end; p++) body((int)((long)units * p / parts), (int)((long)units * (p + 1) / parts));
        });
    }

    private static int Partitions(long work, long minChunk) =>
        (int)Math.Clamp(work / Math.Max(minChunk, 1), 1, Math.Max(1, KernelThreads.MaxThreads));
}
