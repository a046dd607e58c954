namespace RetinaSharp.Tensors;

public sealed unsafe partial class Tensor
{
    public static Tensor Empty(ReadOnlySpan<int> shape, DType dtype = DType.Float32) => Allocate(shape, dtype);

    public static Tensor Zeros(ReadOnlySpan<int> shape, DType dtype = DType.Float32) => Allocate(shape, dtype, zero: true);

    public static Tensor Ones(ReadOnlySpan<int> shape) => Full(shape, 1f);

    public static Tensor Full(ReadOnlySpan<int> shape, float value)
    {
        var t = Allocate(shape);
        t.Data.Fill(value);
        return t;
    }

    public static Tensor Scalar(float value) => Full([], value);

    public static Tensor ZerosLike(Tensor t) => Zeros(t.Shape, t.DType);

    public static Tensor OnesLike(Tensor t) => Ones(t.Shape);

    /// <summary>A float32 tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(ReadOnlySpan<float> data, params ReadOnlySpan<int> shape)
    {
        var t = Allocate(shape);
        if (t.NumElements != data.Length)
            throw new ArgumentException($"{data.Length} values cannot fill shape {FormatShape(shape)} ({t.NumElements} elements).");
        data.CopyTo(t.Data);
        return t;
    }

    public static Tensor FromArray(ReadOnlySpan<long> data, params ReadOnlySpan<int> shape) => FromTyped(data, shape);

    public static Tensor FromArray(ReadOnlySpan<int> data, params ReadOnlySpan<int> shape) => FromTyped(data, shape);

    public static Tensor FromArray(ReadOnlySpan<bool> data, params ReadOnlySpan<int> shape) => FromTyped(data, shape);

    private static Tensor FromTyped<T>(ReadOnlySpan<T> data, ReadOnlySpan<int> shape) where T : unmanaged
    {
        var t = Allocate(shape, DTypeExtensions.Of<T>());
        if (t.NumElements != data.Length)
        {
            t.Dispose();
            throw new ArgumentException($"{data.Length} values cannot fill shape {FormatShape(shape)}.");
        }
        data.CopyTo(t.AsSpan<T>());
        return t;
    }

    /// <summary>0, 1, …, n − 1 as float32.</summary>
    public static Tensor Arange(int n)
    {
        var t = Allocate([n]);
        var d = t.Data;
        for (int i = 0; i < n; i++) d[i] = i;
        return t;
    }

    /// <summary>Samples from N(mean, std²).</summary>
    public static Tensor RandN(ReadOnlySpan<int> shape, RandomGenerator rng, float mean = 0, float std = 1)
    {
        var t = Allocate(shape);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = (float)rng.NextNormal(mean, std);
        return t;
    }

    /// <summary>Samples from U[low, high).</summary>
    public static Tensor Rand(ReadOnlySpan<int> shape, RandomGenerator rng, float low = 0, float high = 1)
    {
        var t = Allocate(shape);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = (float)rng.Uniform(low, high);
        return t;
    }

    /// <summary>A contiguous copy with no autograd history (like torch's clone().detach()).</summary>
    public Tensor CloneDetached()
    {
        var t = Allocate(_shape, DType);
        CopyTo(t);
        return t;
    }
}
