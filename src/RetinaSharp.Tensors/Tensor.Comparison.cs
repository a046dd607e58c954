namespace RetinaSharp.Tensors;

/// <summary>Element-wise comparisons.</summary>
public enum CompareOp { Gt, Ge, Lt, Le, Eq, Ne }

public sealed unsafe partial class Tensor
{
    /// <summary>this &gt; s, as a Bool tensor.</summary>
    public Tensor Gt(float s) => Compare(s, CompareOp.Gt);
    public Tensor Ge(float s) => Compare(s, CompareOp.Ge);
    public Tensor Lt(float s) => Compare(s, CompareOp.Lt);
    public Tensor Le(float s) => Compare(s, CompareOp.Le);
    public Tensor Eq(float s) => Compare(s, CompareOp.Eq);
    public Tensor Ne(float s) => Compare(s, CompareOp.Ne);

    /// <summary>this &gt; other with broadcasting, as a Bool tensor.</summary>
    public Tensor Gt(Tensor other) => Compare(other, CompareOp.Gt);
    public Tensor Ge(Tensor other) => Compare(other, CompareOp.Ge);
    public Tensor Lt(Tensor other) => Compare(other, CompareOp.Lt);
    public Tensor Le(Tensor other) => Compare(other, CompareOp.Le);
    public Tensor Eq(Tensor other) => Compare(other, CompareOp.Eq);
    public Tensor Ne(Tensor other) => Compare(other, CompareOp.Ne);

    /// <summary>
    /// Compares every element with a scalar. Float32 elements are compared with the scalar as a
    /// float; integer elements exactly (as doubles). NaN compares false except for Ne.
    /// </summary>
    public Tensor Compare(float s, CompareOp op)
    {
        var r = Allocate(_shape, DType.Bool);
        using var c = ContiguousNoGrad();
        bool* o = (bool*)r.DataPointer;
        long n = NumElements;
        switch (DType)
        {
            case DType.Float32: CompareScalar((float*)c.DataPointer, s, o, n, op); break;
            case DType.Int64: CompareScalar((long*)c.DataPointer, s, o, n, op); break;
            case DType.Int32: CompareScalar((int*)c.DataPointer, s, o, n, op); break;
            case DType.Bool:
                {
                    bool* p = (bool*)c.DataPointer;
                    for (long i = 0; i < n; i++) o[i] = Test(p[i] ? 1.0 : 0.0, s, op);
                    break;
                }
        }
        return r;
    }

    /// <summary>Compares element-wise with broadcasting. Operands of different dtypes are compared as float32.</summary>
    public Tensor Compare(Tensor other, CompareOp op)
    {
        if (DType != other.DType || DType == DType.Bool)
        {
            using var a = DType == DType.Float32 ? ContiguousNoGrad() : ToDType(DType.Float32);
            using var b = other.DType == DType.Float32 ? other.ContiguousNoGrad() : other.ToDType(DType.Float32);
            return a.Compare(b, op);
        }
        var shape = Broadcast.Shape(_shape, other._shape);
        var r = Allocate(shape, DType.Bool);
        var runs = new BroadcastRuns(shape, Broadcast.StridesFor(this, shape), Broadcast.StridesFor(other, shape), ContiguousStrides(shape));
        switch (DType)
        {
            case DType.Float32: CompareRuns((float*)DataPointer, (float*)other.DataPointer, (bool*)r.DataPointer, runs, op); break;
            case DType.Int64: CompareRuns((long*)DataPointer, (long*)other.DataPointer, (bool*)r.DataPointer, runs, op); break;
            case DType.Int32: CompareRuns((int*)DataPointer, (int*)other.DataPointer, (bool*)r.DataPointer, runs, op); break;
        }
        return r;
    }

    /// <summary>Element-wise AND of Bool tensors, with broadcasting.</summary>
    public Tensor LogicalAnd(Tensor other) => Logical(other, and: true);

    /// <summary>Element-wise OR of Bool tensors, with broadcasting.</summary>
    public Tensor LogicalOr(Tensor other) => Logical(other, and: false);

    /// <summary>Element-wise NOT of a Bool tensor.</summary>
    public Tensor LogicalNot()
    {
        RequireBool();
        var r = Allocate(_shape, DType.Bool);
        using var c = ContiguousNoGrad();
        bool* s = (bool*)c.DataPointer, o = (bool*)r.DataPointer;
        for (long i = 0; i < NumElements; i++) o[i] = !s[i];
        return r;
    }

    /// <summary>Number of true (non-zero) elements.</summary>
    public long CountNonZero()
    {
        using var b = DType == DType.Bool ? ContiguousNoGrad() : ToDType(DType.Bool);
        bool* p = (bool*)b.DataPointer;
        long count = 0;
        for (long i = 0; i < NumElements; i++) if (p[i]) count++;
        return count;
    }

    private Tensor Logical(Tensor other, bool and)
    {
        RequireBool();
        other.RequireBool();
        var shape = Broadcast.Shape(_shape, other._shape);
        var r = Allocate(shape, DType.Bool);
        var runs = new BroadcastRuns(shape, Broadcast.StridesFor(this, shape), Broadcast.StridesFor(other, shape), ContiguousStrides(shape));
        bool* a = (bool*)DataPointer, b = (bool*)other.DataPointer, o = (bool*)r.DataPointer;
        Span<long> off = stackalloc long[3];
        long sa = runs.InnerStride(0), sb = runs.InnerStride(1);
        int inner = runs.Inner;
        while (runs.Next(off))
        {
            bool* pa = a + off[0], pb = b + off[1], po = o + off[2];
            if (and) for (int i = 0; i < inner; i++) po[i] = pa[i * sa] & pb[i * sb];
            else for (int i = 0; i < inner; i++) po[i] = pa[i * sa] | pb[i * sb];
        }
        return r;
    }

    private void RequireBool()
    {
        if (DType != DType.Bool) throw new InvalidOperationException($"This operation needs a Bool tensor, got {DType}.");
    }

    private static void CompareScalar(float* x, float s, bool* o, long n, CompareOp op)
    {
        switch (op)
        {
            case CompareOp.Gt: for (long i = 0; i < n; i++) o[i] = x[i] > s; break;
            case CompareOp.Ge: for (long i = 0; i < n; i++) o[i] = x[i] >= s; break;
            case CompareOp.Lt: for (long i = 0; i < n; i++) o[i] = x[i] < s; break;
            case CompareOp.Le: for (long i = 0; i < n; i++) o[i] = x[i] <= s; break;
            case CompareOp.Eq: for (long i = 0; i < n; i++) o[i] = x[i] == s; break;
            default: for (long i = 0; i < n; i++) o[i] = x[i] != s; break;
        }
    }

    private static void CompareScalar<T>(T* x, float s, bool* o, long n, CompareOp op) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        for (long i = 0; i < n; i++) o[i] = Test(double.CreateTruncating(x[i]), s, op);
    }

    private static bool Test(double a, double b, CompareOp op) => op switch
    {
        CompareOp.Gt => a > b,
        CompareOp.Ge => a >= b,
        CompareOp.Lt => a < b,
        CompareOp.Le => a <= b,
        CompareOp.Eq => a == b,
        _ => a != b,
    };

    private static void CompareRuns<T>(T* a, T* b, bool* o, BroadcastRuns runs, CompareOp op)
        where T : unmanaged, System.Numerics.IComparisonOperators<T, T, bool>
    {
        Span<long> off = stackalloc long[3];
        long sa = runs.InnerStride(0), sb = runs.InnerStride(1);
        int inner = runs.Inner;
        while (runs.Next(off))
        {
            T* pa = a + off[0], pb = b + off[1];
            bool* po = o + off[2];
            for (int i = 0; i < inner; i++)
            {
                T x = pa[i * sa], y = pb[i * sb];
                po[i] = op switch
                {
                    CompareOp.Gt => x > y,
                    CompareOp.Ge => x >= y,
                    CompareOp.Lt => x < y,
                    CompareOp.Le => x <= y,
                    CompareOp.Eq => x == y,
                    _ => x != y,
                };
            }
        }
    }
}
