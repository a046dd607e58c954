namespace RetinaSharp.Tensors;

public sealed unsafe partial class Tensor
{
    /// <summary>
    /// This tensor's values as another element type: float → integer truncates toward zero (like
    /// torch's .long()), anything → Bool tests for non-zero. Converting a float32 tensor to float32
    /// returns a differentiable alias; other conversions are not differentiable.
    /// </summary>
    public Tensor ToDType(DType dtype)
    {
        if (dtype == DType)
            return dtype == DType.Float32 ? Alias() : CloneDetached();
        var r = Allocate(_shape, dtype);
        using var c = ContiguousNoGrad();
        long n = NumElements;
        void* src = c.DataPointer, dst = r.DataPointer;
        switch (DType)
        {
            case DType.Float32: Convert((float*)src, dst, dtype, n); break;
            case DType.Int64: Convert((long*)src, dst, dtype, n); break;
            case DType.Int32: Convert((int*)src, dst, dtype, n); break;
            case DType.Bool: Convert((bool*)src, dst, dtype, n); break;
        }
        return r;
    }

    /// <summary>As float32 (Bool → 0/1). A float32 tensor gives a differentiable alias.</summary>
    public Tensor ToFloat() => ToDType(DType.Float32);

    /// <summary>As Int64 (floats truncate toward zero).</summary>
    public Tensor ToInt64() => ToDType(DType.Int64);

    public Tensor ToInt32() => ToDType(DType.Int32);

    /// <summary>As Bool: true where non-zero.</summary>
    public Tensor ToBool() => ToDType(DType.Bool);

    private static void Convert<T>(T* src, void* dst, DType to, long n) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        switch (to)
        {
            case DType.Float32:
                for (long i = 0; i < n; i++) ((float*)dst)[i] = float.CreateTruncating(src[i]);
                break;
            case DType.Int64:
                for (long i = 0; i < n; i++) ((long*)dst)[i] = long.CreateTruncating(src[i]);
                break;
            case DType.Int32:
                for (long i = 0; i < n; i++) ((int*)dst)[i] = int.CreateTruncating(src[i]);
                break;
            case DType.Bool:
                for (long i = 0; i < n; i++) ((bool*)dst)[i] = !T.IsZero(src[i]);
                break;
        }
    }

    private static void Convert(bool* src, void* dst, DType to, long n)
    {
        switch (to)
        {
            case DType.Float32:
                for (long i = 0; i < n; i++) ((float*)dst)[i] = src[i] ? 1f : 0f;
                break;
            case DType.Int64:
                for (long i = 0; i < n; i++) ((long*)dst)[i] = src[i] ? 1 : 0;
                break;
            case DType.Int32:
                for (long i = 0; i < n; i++) ((int*)dst)[i] = src[i] ? 1 : 0;
                break;
        }
    }
}
