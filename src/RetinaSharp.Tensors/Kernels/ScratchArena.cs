using System.Runtime.InteropServices;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// Per-thread, 64-byte aligned native scratch buffers that only ever grow, so steady-state kernel calls
/// allocate nothing. The finalizer returns the memory when the owning thread dies.
/// </summary>
internal sealed unsafe class ScratchArena
{
    private const nuint Alignment = 64;

    [ThreadStatic] private static ScratchArena? t_current;

    private readonly void*[] _buffers = new void*[(int)ScratchSlot.Count];
    private readonly long[] _capacities = new long[(int)ScratchSlot.Count];

    public static ScratchArena Current => t_current ??= new ScratchArena();

    /// <summary>A buffer of at least <paramref name="floats"/> floats; its contents are unspecified.</summary>
    public float* Get(ScratchSlot slot, long floats)
    {
        int i = (int)slot;
        if (_capacities[i] < floats)
        {
            // Grow geometrically so a sequence of slightly larger requests does not reallocate each time.
            long capacity = Math.Max(floats, _capacities[i] + _capacities[i] / 2);
            capacity = (capacity + 15) & ~15L;
            if (_buffers[i] != null) NativeMemory.AlignedFree(_buffers[i]);
            _buffers[i] = null;
            _capacities[i] = 0;
            _buffers[i] = NativeMemory.AlignedAlloc((nuint)capacity * sizeof(float), Alignment);
            _capacities[i] = capacity;
        }
        return (float*)_buffers[i];
    }

    ~ScratchArena()
    {
        for (int i = 0; i < _buffers.Length; i++)
        {
            if (_buffers[i] != null) NativeMemory.AlignedFree(_buffers[i]);
            _buffers[i] = null;
        }
    }
}
