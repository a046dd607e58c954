using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace RetinaSharp.Tensors;

internal enum BinaryOp { Add, Sub, Mul, Div, Max, Min }

/// <summary>
/// Broadcasting element-wise loops over float32 tensors: dimensions are coalesced so the inner
/// run is as long as possible, and contiguous runs go through TensorPrimitives.
/// </summary>
internal static unsafe class ElementwiseLoop
{
    public static Tensor Binary(Tensor a, Tensor b, BinaryOp op)
    {
        var shape = Broadcast.Shape(a.Shape, b.Shape);
        var result = Tensor.Allocate(shape);
        BinaryInto(a, b, result, op);
        return result;
    }

    /// <summary>out = a op b with broadcasting; <paramref name="output"/> must be contiguous with the broadcast shape (it may alias a).</summary>
    public static void BinaryInto(Tensor a, Tensor b, Tensor output, BinaryOp op)
    {
        float* pa = a.FloatPointer, pb = b.FloatPointer, po = output.FloatPointer;
        var shape = output.Shape;
        if (a.IsContiguous && b.IsContiguous && a.NumElements == output.NumElements && b.NumElements == output.NumElements)
        {
            Run(op, pa, 1, pb, 1, po, checked((int)output.NumElements));
            return;
        }
        var sa = Broadcast.StridesFor(a, shape);
        var sb = Broadcast.StridesFor(b, shape);
        int rank = shape.Length;
        Span<int> cs = stackalloc int[Math.Max(rank, 1)];
        Span<long> ca = stackalloc long[Math.Max(rank, 1)];
        Span<long> cb = stackalloc long[Math.Max(rank, 1)];
        Span<long> co = stackalloc long[Math.Max(rank, 1)];
        var so = Tensor.ContiguousStrides(shape);
        int r = Coalesce3(shape, sa, sb, so, cs, ca, cb, co);
        if (output.NumElements == 0) return;
        int inner = cs[r - 1];
        long outer = 1;
        for (int i = 0; i < r - 1; i++) outer *= cs[i];
        Span<int> idx = stackalloc int[r];
        idx.Clear();
        long oa = 0, ob = 0, oo = 0;
        for (long o = 0; o < outer; o++)
        {
            Run(op, pa + oa, ca[r - 1], pb + ob, cb[r - 1], po + oo, inner);
            for (int k = r - 2; k >= 0; k--)
            {
                idx[k]++;
                oa += ca[k]; ob += cb[k]; oo += co[k];
                if (idx[k] < cs[k]) break;
                oa -= ca[k] * cs[k]; ob -= cb[k] * cs[k]; oo -= co[k] * cs[k];
                idx[k] = 0;
            }
        }
    }

    private static int Coalesce3(ReadOnlySpan<int> shapeIn, int[] a, int[] b, int[] o,
        Span<int> shape, Span<long> ca, Span<long> cb, Span<long> co)
    {
        int r = 0;
        for (int i = 0; i < shapeIn.Length; i++)
        {
            int n = shapeIn[i];
            if (n == 1) continue;
            if (r > 0 && ca[r - 1] == (long)a[i] * n && cb[r - 1] == (long)b[i] * n && co[r - 1] == (long)o[i] * n)
            {
                shape[r - 1] *= n;
                ca[r - 1] = a[i]; cb[r - 1] = b[i]; co[r - 1] = o[i];
                continue;
            }
            shape[r] = n; ca[r] = a[i]; cb[r] = b[i]; co[r] = o[i];
            r++;
        }
        if (r == 0) { shape[0] = 1; ca[0] = 1; cb[0] = 1; co[0] = 1; r = 1; }
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run(BinaryOp op, float* a, long sa, float* b, long sb, float* o, int n)
    {
        var so = new Span<float>(o, n);
        if (sa == 1 && sb == 1)
        {
            var x = new ReadOnlySpan<float>(a, n);
            var y = new ReadOnlySpan<float>(b, n);
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(x, y, so); break;
                case BinaryOp.Sub: TensorPrimitives.Subtract(x, y, so); break;
                case BinaryOp.Mul: TensorPrimitives.Multiply(x, y, so); break;
                case BinaryOp.Div: TensorPrimitives.Divide(x, y, so); break;
                case BinaryOp.Max: TensorPrimitives.Max(x, y, so); break;
                case BinaryOp.Min: TensorPrimitives.Min(x, y, so); break;
            }
            return;
        }
        if (sa == 1 && sb == 0)
        {
            var x = new ReadOnlySpan<float>(a, n);
            float y = *b;
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(x, y, so); break;
                case BinaryOp.Sub: TensorPrimitives.Subtract(x, y, so); break;
                case BinaryOp.Mul: TensorPrimitives.Multiply(x, y, so); break;
                case BinaryOp.Div: TensorPrimitives.Divide(x, y, so); break;
                case BinaryOp.Max: TensorPrimitives.Max(x, y, so); break;
                case BinaryOp.Min: TensorPrimitives.Min(x, y, so); break;
            }
            return;
        }
        if (sa == 0 && sb == 1)
        {
            float x = *a;
            var y = new ReadOnlySpan<float>(b, n);
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(y, x, so); break;
                case BinaryOp.Sub: TensorPrimitives.Subtract(x, y, so); break;
                case BinaryOp.Mul: TensorPrimitives.Multiply(y, x, so); break;
                case BinaryOp.Div: TensorPrimitives.Divide(x, y, so); break;
                case BinaryOp.Max: TensorPrimitives.Max(y, x, so); break;
                case BinaryOp.Min: TensorPrimitives.Min(y, x, so); break;
            }
            return;
        }
        for (int i = 0; i < n; i++)
        {
            float x = a[i * sa], y = b[i * sb];
            o[i] = op switch
            {
                BinaryOp.Add => x + y,
                BinaryOp.Sub => x - y,
                BinaryOp.Mul => x * y,
                BinaryOp.Div => x / y,
                BinaryOp.Max => MathF.Max(x, y),
                _ => MathF.Min(x, y),
            };
        }
    }
}
