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

    /// <summary>Runs body(0..count−1) in parallel (the caller's thread takes part) and waits for all.</summary>
    public static void Run(int count, Action<int> body)
    {
        if (count <= 1)
        {
            if (count == 1) body(0);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, body);
    }
}
