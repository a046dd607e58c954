using System.Runtime.InteropServices;

namespace RetinaSharp.Tensors;

/// <summary>
/// A block of 64-byte aligned native memory shared by a tensor and its views. Reference counted:
/// every Tensor over it holds one reference, and the block returns to <see cref="TensorMemoryPool"/>
/// when the last one is disposed. A finalizer frees blocks whose tensors were never disposed.
/// </summary>
internal sealed unsafe class TensorStorage
{
    private void* _pointer;
    private int _refCount;

    private TensorStorage(void* pointer, long byteLength)
    {
        _pointer = pointer;
        ByteLength = byteLength;
        _refCount = 1;
    }

    public long ByteLength { get; }

    public void* Pointer
    {
        get
        {
            if (_pointer == null) throw new ObjectDisposedException(nameof(Tensor), "The tensor's memory has been released (the tensor was disposed).");
            return _pointer;
        }
    }

    public bool IsReleased => _pointer == null;

    public static TensorStorage Allocate(long byteLength, bool zero)
    {
        var p = TensorMemoryPool.Rent(byteLength);
        if (zero) NativeMemory.Clear(p, (nuint)byteLength);
        return new TensorStorage(p, byteLength);
    }

    public void AddRef()
    {
        if (Interlocked.Increment(ref _refCount) <= 1) throw new ObjectDisposedException(nameof(Tensor));
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _refCount) == 0)
        {
            var p = _pointer;
            _pointer = null;
            if (p != null) TensorMemoryPool.Return(p, ByteLength);
            GC.SuppressFinalize(this);
        }
    }

    ~TensorStorage()
    {
        if (_pointer != null) TensorMemoryPool.FreeFromFinalizer(_pointer, ByteLength);
    }
}

/// <summary>
/// Recycles tensor memory by exact byte size. Training repeats the same shapes every step, so
/// exact-size reuse removes nearly all allocation after the first iteration without fragmentation.
/// </summary>
public static unsafe class TensorMemoryPool
{
    private const nuint Alignment = 64;
    private static readonly Dictionary<long, Stack<nint>> Free = new();
    private static readonly Lock Gate = new();
    private static long _pooledBytes;
    private static long _liveBytes;
    private static long _peakLiveBytes;

    /// <summary>Upper bound on bytes kept for reuse; blocks returned past it are freed.</summary>
    public static long MaxPooledBytes { get; set; } = 6L << 30;

    public static long PooledBytes => Interlocked.Read(ref _pooledBytes);

    /// <summary>Bytes held by tensors now (not counting blocks kept for reuse).</summary>
    public static long LiveBytes => Interlocked.Read(ref _liveBytes);

    /// <summary>The most <see cref="LiveBytes"/> since the last <see cref="ResetPeak"/>: what a step needed at its fullest.</summary>
    public static long PeakLiveBytes => Interlocked.Read(ref _peakLiveBytes);

    public static void ResetPeak()
    {
        lock (Gate) _peakLiveBytes = _liveBytes;
    }

    internal static void* Rent(long byteLength)
    {
        long size = Math.Max(byteLength, 1);
        lock (Gate)
        {
            _liveBytes += size;
            if (_liveBytes > _peakLiveBytes) _peakLiveBytes = _liveBytes;
            if (Free.TryGetValue(size, out var stack) && stack.Count > 0)
            {
                _pooledBytes -= size;
                return (void*)stack.Pop();
            }
        }
        return NativeMemory.AlignedAlloc((nuint)size, Alignment);
    }

    internal static void Return(void* p, long byteLength)
    {
        long size = Math.Max(byteLength, 1);
        lock (Gate)
        {
            _liveBytes -= size;
            if (_pooledBytes + size <= MaxPooledBytes)
            {
                if (!Free.TryGetValue(size, out var stack)) Free[size] = stack = new Stack<nint>();
                stack.Push((nint)p);
                _pooledBytes += size;
                return;
            }
        }
        NativeMemory.AlignedFree(p);
    }

    internal static void FreeFromFinalizer(void* p, long byteLength)
    {
        lock (Gate) _liveBytes -= Math.Max(byteLength, 1);
        NativeMemory.AlignedFree(p);
    }

    /// <summary>Frees every pooled block.</summary>
    public static void Trim()
    {
        lock (Gate)
        {
            foreach (var stack in Free.Values)
                while (stack.Count > 0) NativeMemory.AlignedFree((void*)stack.Pop());
            Free.Clear();
            _pooledBytes = 0;
        }
    }
}
