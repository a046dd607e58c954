using System.Runtime.CompilerServices;
using System.Text;

namespace RetinaSharp.Tensors;

/// <summary>
/// An n-dimensional array over pooled, 64-byte aligned native memory, with PyTorch-style views
/// (reshape, permute, slice, expand share storage) and reverse-mode automatic differentiation.
/// Tensors created inside a <see cref="TensorScope"/> are disposed with it; others should be
/// disposed explicitly (a finalizer frees forgotten memory, late).
/// </summary>
public sealed unsafe partial class Tensor : IDisposable
{
    private readonly int[] _shape;
    private readonly int[] _strides;
    private TensorStorage? _storage;
    private bool _requiresGrad;
    private int _pins;
    private bool _disposeRequested;

    internal Tensor(TensorStorage storage, long offset, int[] shape, int[] strides, DType dtype, bool track = true)
    {
        _storage = storage;
        Offset = offset;
        _shape = shape;
        _strides = strides;
        DType = dtype;
        NumElements = CountElements(shape);
        IsContiguous = ComputeContiguous(shape, strides);
        if (track)
        {
            Scope = TensorScope.Current;
            Scope?.Track(this);
        }
    }

    /// <summary>Allocates a new contiguous tensor. Values are undefined unless <paramref name="zero"/>.</summary>
    internal static Tensor Allocate(ReadOnlySpan<int> shape, DType dtype = DType.Float32, bool zero = false, bool track = true)
    {
        var s = shape.ToArray();
        foreach (var d in s)
            if (d < 0) throw new ArgumentException($"Negative dimension in shape {FormatShape(s)}.");
        long n = CountElements(s);
        var storage = TensorStorage.Allocate(n * dtype.ElementSize(), zero);
        return new Tensor(storage, 0, s, ContiguousStrides(s), dtype, track);
    }

    public DType DType { get; }

    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Element strides (not bytes).</summary>
    public ReadOnlySpan<int> Strides => _strides;

    public int Rank => _shape.Length;

    public long NumElements { get; }

    /// <summary>Element offset of this view into its storage.</summary>
    internal long Offset { get; }

    public bool IsContiguous { get; }

    /// <summary>True once disposed (memory still referenced by a recorded graph is released with the graph).</summary>
    public bool IsDisposed => _storage == null || _disposeRequested;

    internal TensorScope? Scope { get; private set; }

    /// <summary>Optional name, shown in error messages and by modules.</summary>
    public string? Name { get; set; }

    /// <summary>The size of dimension <paramref name="dim"/>; negative counts from the end.</summary>
    public int Size(int dim) => _shape[NormalizeDim(dim, Rank)];

    internal TensorStorage Storage => _storage ?? throw new ObjectDisposedException(nameof(Tensor), $"Tensor{(Name is null ? "" : " " + Name)} {FormatShape(_shape)} has been disposed.");

    /// <summary>Pointer to the first element of this view.</summary>
    internal void* DataPointer => (byte*)Storage.Pointer + Offset * DType.ElementSize();

    internal float* FloatPointer
    {
        get
        {
            if (DType != DType.Float32) throw new InvalidOperationException($"Expected a float32 tensor, got {DType}.");
            return (float*)DataPointer;
        }
    }

    // ---- autograd state -------------------------------------------------------------------

    /// <summary>The node that produced this tensor, when it was computed from tensors that need gradients.</summary>
    public GradNode? GradFn { get; internal set; }

    /// <summary>Accumulated gradient of a leaf tensor after <see cref="Backward"/>.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>
    /// Whether gradients flow to this tensor. Set it on leaves (parameters); computed tensors
    /// require grad when any input does.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad || GradFn != null;
        set
        {
            if (GradFn != null && !value)
                throw new InvalidOperationException("Cannot clear RequiresGrad on a computed tensor; use Detach().");
            if (value && DType != DType.Float32)
                throw new InvalidOperationException($"Only float32 tensors can require gradients, not {DType}.");
            _requiresGrad = value;
        }
    }

    public bool IsLeaf => GradFn == null;

    /// <summary>Computes gradients of this tensor with respect to every leaf that requires them.</summary>
    /// <param name="gradient">dL/d(this); may be omitted for a single-element tensor (taken as 1).</param>
    /// <param name="retainGraph">Keep the graph for a second backward pass.</param>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) => AutogradEngine.Backward(this, gradient, retainGraph);

    /// <summary>A view sharing storage but cut from the graph.</summary>
    public Tensor Detach()
    {
        Storage.AddRef();
        return new Tensor(Storage, Offset, _shape, _strides, DType);
    }

    // ---- memory ownership -----------------------------------------------------------------

    public void Dispose()
    {
        if (_storage == null || _disposeRequested) return;
        Scope?.Untrack(this);
        Scope = null;
        ReleaseOrDefer();
    }

    internal void DisposeFromScope()
    {
        Scope = null;
        ReleaseOrDefer();
    }

    private void ReleaseOrDefer()
    {
        // A recorded graph may still need this tensor's values for its backward pass; then the
        // memory goes when the graph is released (after Backward, or Autograd.ReleaseGraph).
        if (_pins > 0) _disposeRequested = true;
        else ReleaseStorage();
    }

    /// <summary>Keeps the memory alive for a recorded graph node, even if the owner disposes the tensor.</summary>
    internal void Pin()
    {
        if (_storage == null) throw new ObjectDisposedException(nameof(Tensor), $"Tensor {FormatShape(_shape)} was disposed before it was used.");
        _pins++;
    }

    internal void Unpin()
    {
        if (--_pins == 0 && _disposeRequested) ReleaseStorage();
    }

    private void ReleaseStorage()
    {
        var s = _storage;
        if (s == null) return;
        _storage = null;
        // GradFn stays: a disposed intermediate may still link the graph; only its memory goes.
        s.Release();
    }

    /// <summary>Keeps this tensor alive past the current scope: it moves to the enclosing scope, or to none.</summary>
    public Tensor MoveToOuterScope()
    {
        var scope = Scope;
        if (scope != null && scope.Untrack(this))
        {
            Scope = scope.Outer;
            Scope?.Track(this);
        }
        return this;
    }

    /// <summary>Takes this tensor out of every scope: the caller now owns it and must dispose it.</summary>
    public Tensor DetachFromScope()
    {
        Scope?.Untrack(this);
        Scope = null;
        return this;
    }

    // ---- element access -------------------------------------------------------------------

    /// <summary>The elements of a contiguous tensor, in row-major order.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (DTypeExtensions.Of<T>() != DType)
            throw new InvalidOperationException($"Cannot view a {DType} tensor as {typeof(T).Name}.");
        if (!IsContiguous)
            throw new InvalidOperationException($"AsSpan needs a contiguous tensor; shape {FormatShape(_shape)} strides {FormatShape(_strides)}. Call Contiguous() first.");
        return new Span<T>(DataPointer, checked((int)NumElements));
    }

    /// <summary>The float32 elements of a contiguous tensor.</summary>
    public Span<float> Data => AsSpan<float>();

    public T[] ToArray<T>() where T : unmanaged
    {
        if (IsContiguous) return AsSpan<T>().ToArray();
        using var c = Contiguous();
        return c.AsSpan<T>().ToArray();
    }

    public float[] ToArray() => ToArray<float>();

    /// <summary>The raw little-endian bytes of the elements in row-major order (for exact comparisons and hashing).</summary>
    public byte[] ToBytes()
    {
        using var c = IsContiguous ? null : ContiguousNoGrad();
        var t = c ?? this;
        return new ReadOnlySpan<byte>(t.DataPointer, checked((int)(NumElements * DType.ElementSize()))).ToArray();
    }

    /// <summary>The value of a single-element tensor.</summary>
    public float Item()
    {
        if (NumElements != 1) throw new InvalidOperationException($"Item() needs a single-element tensor, got shape {FormatShape(_shape)}.");
        return DType switch
        {
            DType.Float32 => *(float*)DataPointer,
            DType.Int64 => *(long*)DataPointer,
            DType.Int32 => *(int*)DataPointer,
            DType.Bool => *(bool*)DataPointer ? 1 : 0,
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>The element at a multi-index (for tests and debugging; slow).</summary>
    [IndexerName("ElementAt")]
    public float this[params int[] index]
    {
        get
        {
            if (index.Length != Rank) throw new ArgumentException($"Index of rank {index.Length} for a tensor of rank {Rank}.");
            long off = 0;
            for (int i = 0; i < Rank; i++)
            {
                if ((uint)index[i] >= (uint)_shape[i]) throw new IndexOutOfRangeException($"Index {index[i]} out of range for dimension {i} of size {_shape[i]}.");
                off += (long)index[i] * _strides[i];
            }
            byte* p = (byte*)Storage.Pointer + (Offset + off) * DType.ElementSize();
            return DType switch
            {
                DType.Float32 => *(float*)p,
                DType.Int64 => *(long*)p,
                DType.Int32 => *(int*)p,
                DType.Bool => *(bool*)p ? 1 : 0,
                _ => throw new InvalidOperationException(),
            };
        }
    }

    // ---- shape helpers --------------------------------------------------------------------

    internal static long CountElements(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape) n = checked(n * d);
        return n;
    }

    internal static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s = checked(s * Math.Max(shape[i], 1));
        }
        return strides;
    }

    private static bool ComputeContiguous(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides)
    {
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int NormalizeDim(int dim, int rank)
    {
        int d = dim < 0 ? dim + rank : dim;
        if ((uint)d >= (uint)rank) throw new ArgumentOutOfRangeException(nameof(dim), $"Dimension {dim} is out of range for a tensor of rank {rank}.");
        return d;
    }

    public static string FormatShape(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i]);
        }
        return sb.Append(']').ToString();
    }

    public bool SameShape(Tensor other) => _shape.AsSpan().SequenceEqual(other._shape);

    public override string ToString() =>
        $"Tensor{(Name is null ? "" : " " + Name)}({DType}, {FormatShape(_shape)}{(RequiresGrad ? ", requires_grad" : "")}{(IsDisposed ? ", disposed" : "")})";
}
