using RetinaSharp.Tensors.Kernels;

namespace RetinaSharp.Tensors;

public sealed unsafe partial class Tensor
{
    /// <summary>Matrix product of 2-D tensors [m, k] · [k, n] → [m, n]. Transposed views are used without copying.</summary>
    public Tensor MatMul(Tensor other)
    {
        if (Rank != 2 || other.Rank != 2)
            throw new ArgumentException($"MatMul needs 2-D tensors, got {FormatShape(_shape)} and {FormatShape(other.Shape)}.");
        int m = _shape[0], k = _shape[1], n = other._shape[1];
        if (other._shape[0] != k)
            throw new ArgumentException($"MatMul shapes {FormatShape(_shape)} and {FormatShape(other.Shape)} do not align.");
        var r = Allocate([m, n]);
        MatMulInto(this, other, r, beta: 0);
        return Autograd.Record(r, "matmul", [this, other], (g, gi) =>
        {
            if (this.RequiresGrad)
            {
                using var bt = other.Transpose(0, 1);
                gi[0] = g.MatMulNoGrad(bt);
            }
            if (other.RequiresGrad)
            {
                using var at = this.Transpose(0, 1);
                gi[1] = at.MatMulNoGrad(g);
            }
        });
    }

    internal Tensor MatMulNoGrad(Tensor other)
    {
        var r = Allocate([_shape[0], other._shape[1]]);
        MatMulInto(this, other, r, beta: 0);
        return r;
    }

    /// <summary>c = a·b + beta·c for 2-D float tensors; c contiguous.</summary>
    internal static void MatMulInto(Tensor a, Tensor b, Tensor c, float beta)
    {
        int m = a.Shape[0], k = a.Shape[1], n = b.Shape[1];
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (beta == 0) c.Data.Clear(); else c.MulInPlace(beta);
            return;
        }
        var (ta, lda, ac) = GemmOperand(a);
        var (tb, ldb, bc) = GemmOperand(b);
        try
        {
            Gemm.Sgemm(ta, tb, m, n, k, 1f, ac.FloatPointer, lda, bc.FloatPointer, ldb, beta, c.FloatPointer, n);
        }
        finally
        {
            ac.Dispose();
            bc.Dispose();
        }
    }

    /// <summary>How to hand a 2-D view to GEMM: row-major as is, or as the transpose of a row-major matrix.</summary>
    private static (bool Trans, int Ld, Tensor Buffer) GemmOperand(Tensor t)
    {
        int rows = t.Shape[0], cols = t.Shape[1];
        int s0 = t.Strides[0], s1 = t.Strides[1];
        if ((s1 == 1 || cols == 1) && s0 >= cols && s0 > 0) return (false, s0, t.ContiguousView());
        if ((s0 == 1 || rows == 1) && s1 >= rows && s1 > 0) return (true, s1, t.ContiguousView());
        var c = Allocate([rows, cols]);
        StridedCopy.Copy(t, c);
        return (false, cols, c);
    }

    /// <summary>A new tensor object over the same memory (shape and strides kept), for handing pointers out.</summary>
    private Tensor ContiguousView() => MakeView(_shape, _strides, Offset);
}
