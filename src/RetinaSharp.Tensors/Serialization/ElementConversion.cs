using System.Buffers.Binary;

namespace RetinaSharp.Tensors.Serialization;

/// <summary>Element types found in checkpoints and how they map onto the engine's dtypes.</summary>
internal enum StoredType { F32, F64, F16, BF16, I64, I32, I16, I8, U8, Bool }

internal static class ElementConversion
{
    public static int Size(StoredType t) => t switch
    {
        StoredType.F64 or StoredType.I64 => 8,
        StoredType.F32 or StoredType.I32 => 4,
        StoredType.F16 or StoredType.BF16 or StoredType.I16 => 2,
        _ => 1,
    };

    /// <summary>Floating types load as Float32, 64-bit integers as Int64, smaller integers as Int32, bools as Bool.</summary>
    public static DType Target(StoredType t) => t switch
    {
        StoredType.F32 or StoredType.F64 or StoredType.F16 or StoredType.BF16 => DType.Float32,
        StoredType.I64 => DType.Int64,
        StoredType.Bool => DType.Bool,
        _ => DType.Int32,
    };

    public static StoredType FromTorchStorage(string name, string source) => name switch
    {
        "FloatStorage" => StoredType.F32,
        "DoubleStorage" => StoredType.F64,
        "HalfStorage" => StoredType.F16,
        "BFloat16Storage" => StoredType.BF16,
        "LongStorage" => StoredType.I64,
        "IntStorage" => StoredType.I32,
        "ShortStorage" => StoredType.I16,
        "CharStorage" => StoredType.I8,
        "ByteStorage" => StoredType.U8,
        "BoolStorage" => StoredType.Bool,
        _ => throw new CheckpointFormatException($"{source}: unsupported storage type '{name}'."),
    };

    /// <summary>
    /// Builds a tensor of <paramref name="shape"/> from elements of <paramref name="raw"/> (little-endian)
    /// at element <paramref name="offset"/> with element strides <paramref name="stride"/>.
    /// </summary>
    public static unsafe Tensor Materialize(ReadOnlySpan<byte> raw, StoredType type, long offset, int[] shape, long[] stride, string what)
    {
        int es = Size(type);
        long available = raw.Length / es;
        long numel = CountElements(shape);
        if (numel > 0) CheckWithin(available, offset, shape, stride, what);
        var t = Tensor.Allocate(shape, Target(type), track: false);
        if (numel == 0) return t;
        if (type is StoredType.F32 or StoredType.I64 or StoredType.I32 && BitConverter.IsLittleEndian && IsContiguous(shape, stride))
        {
            raw.Slice((int)(offset * es), (int)(numel * es)).CopyTo(new Span<byte>(t.DataPointer, (int)(numel * es)));
            return t;
        }
        var index = new int[shape.Length];
        long src = offset;
        byte* dst = (byte*)t.DataPointer;
        for (long n = 0; n < numel; n++)
        {
            var b = raw.Slice((int)(src * es), es);
            switch (type)
            {
                case StoredType.F32: ((float*)dst)[n] = BinaryPrimitives.ReadSingleLittleEndian(b); break;
                case StoredType.F64: ((float*)dst)[n] = (float)BinaryPrimitives.ReadDoubleLittleEndian(b); break;
                case StoredType.F16: ((float*)dst)[n] = (float)BinaryPrimitives.ReadHalfLittleEndian(b); break;
                case StoredType.BF16: ((float*)dst)[n] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16); break;
                case StoredType.I64: ((long*)dst)[n] = BinaryPrimitives.ReadInt64LittleEndian(b); break;
                case StoredType.I32: ((int*)dst)[n] = BinaryPrimitives.ReadInt32LittleEndian(b); break;
                case StoredType.I16: ((int*)dst)[n] = BinaryPrimitives.ReadInt16LittleEndian(b); break;
                case StoredType.I8: ((int*)dst)[n] = (sbyte)b[0]; break;
                case StoredType.U8: ((int*)dst)[n] = b[0]; break;
                case StoredType.Bool: ((bool*)dst)[n] = b[0] != 0; break;
            }
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                index[d]++;
                src += stride[d];
                if (index[d] < shape[d]) break;
                src -= stride[d] * shape[d];
                index[d] = 0;
            }
        }
        return t;
    }

    /// <summary>Elements of <paramref name="shape"/>, or long.MaxValue where the product would overflow.</summary>
    public static long CountElements(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d <= 0) return 0;
            if (n > long.MaxValue / d) n = long.MaxValue;
            else n *= d;
        }
        return n;
    }

    /// <summary>Refuses a view whose elements do not all lie in the storage, in arithmetic that cannot wrap around.</summary>
    private static void CheckWithin(long available, long offset, int[] shape, long[] stride, string what)
    {
        if (shape.Length != stride.Length) throw new CheckpointFormatException($"{what}: tensor size and stride differ in length.");
        if (offset < 0 || offset >= available)
            throw new CheckpointFormatException($"{what}: tensor offset {offset} lies outside a storage with {available} elements.");
        // How many elements past the offset the last element may still lie.
        long room = available - 1 - offset;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] <= 1) continue;
            if (stride[i] < 0) throw new CheckpointFormatException($"{what}: negative tensor stride {stride[i]}.");
            if (stride[i] > room / (shape[i] - 1))
                throw new CheckpointFormatException(
                    $"{what}: tensor of shape {Tensor.FormatShape(shape)} with strides [{string.Join(", ", stride)}] at offset {offset} reaches past a storage with {available} elements.");
            room -= stride[i] * (shape[i] - 1);
        }
    }

    private static bool IsContiguous(int[] shape, long[] stride)
    {
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] != 1 && stride[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }
}
