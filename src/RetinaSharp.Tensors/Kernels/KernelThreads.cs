namespace RetinaSharp.Tensors.Kernels;

/// <summary>How many threads the compute kernels may use, and a fork-join helper for them.</summary>
public static class KernelThreads
{
    private static int _maxThreads = Environment.ProcessorCount;

    public static int MaxThreads
    {
        get => _maxThreads;
        set => _maxThreads = Math.Clamp(value, 1, Environment.ProcessorCount * 4);
    }

    [ThreadStatic] private static bool _inParallelRegion;

    /// <summary>Threads a kernel may use from the calling thread: 1 inside a parallel region (no nesting).</summary>
    public static int Available => _inParallelRegion ? 1 : _maxThreads;

    /// <summary>
    /// Runs body(0..count−1) in parallel (the caller's thread takes part) and waits for all. Kernels
    /// called from inside the body run single-threaded, so parallel regions never nest.
    /// </summary>
    public static void Run(int count, Action<int> body)
    {
        if (count <= 1 || _inParallelRegion)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, i =>
        {
            bool outer = _inParallelRegion;
            _inParallelRegion = true;
            try { body(i); }
            finally { _inParallelRegion = outer; }
        });
    }
}
