namespace RetinaSharp.Tensors.Kernels;

/// <summary>How many threads the compute kernels may use.</summary>
public static class KernelThreads
{
    private static int _maxThreads = Environment.ProcessorCount;

    public static int MaxThreads
    {
        get => _maxThreads;
        set => _maxThreads = Math.Clamp(value, 1, Environment.ProcessorCount * 4);
    }
}
