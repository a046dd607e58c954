namespace RetinaSharp.Tensors;

/// <summary>Element types. Float32 carries all the math; the integer types and Bool hold indices and masks.</summary>
public enum DType
{
    Float32,
    Int64,
    Int32,
    Bool,
}

public static class DTypeExtensions
{
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Int64 => 8,
        DType.Int32 => 4,
        DType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    public static DType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.Float32 :
        typeof(T) == typeof(long) ? DType.Int64 :
        typeof(T) == typeof(int) ? DType.Int32 :
        typeof(T) == typeof(bool) ? DType.Bool :
        throw new NotSupportedException($"No tensor dtype for {typeof(T).Name}.");
}
