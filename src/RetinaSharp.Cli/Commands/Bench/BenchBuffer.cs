using System.Runtime.InteropServices;
using RetinaSharp.Tensors;

namespace RetinaSharp.Cli.Commands.Bench;

/// <summary>A 64-byte aligned native float buffer filled with uniform values in [-1, 1).</summary>
internal sealed unsafe class BenchBuffer : IDisposable
{
    public BenchBuffer(long length, RandomGenerator random)
    {
        Length = length;
        Pointer = (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, length) * sizeof(float), 64);
        for (long i = 0; i < length; i++) Pointer[i] = 2f * random.NextSingle() - 1f;
    }

    public float* Pointer { get; private set; }

    public long Length { get; }

    public void Dispose()
    {
        if (Pointer != null) NativeMemory.AlignedFree(Pointer);
        Pointer = null;
    }
}
