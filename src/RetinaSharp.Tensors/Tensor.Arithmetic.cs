using System.Numerics.Tensors;

namespace RetinaSharp.Tensors;

public sealed unsafe partial class Tensor
{
    public Tensor Add(Tensor other)
    {
        var r = ElementwiseLoop.Binary(this, other, BinaryOp.Add);
        var (sa, sb) = (_shape, other._shape);
        return Autograd.Record(r, "add", [this, other], (g, gi) =>
        {
            if (gi.Length > 0 && this.RequiresGrad) gi[0] = g.SumToShape(sa);
            if (other.RequiresGrad) gi[1] = g.SumToShape(sb);
        });
    }

    public Tensor Sub(Tensor other)
    {
        var r = ElementwiseLoop.Binary(this, other, BinaryOp.Sub);
        var (sa, sb) = (_shape, other._shape);
        return Autograd.Record(r, "sub", [this, other], (g, gi) =>
        {
            if (this.RequiresGrad) gi[0] = g.SumToShape(sa);
            if (other.RequiresGrad)
            {
                using var neg = g.Neg();
                gi[1] = neg.SumToShape(sb);
            }
        });
    }

    public Tensor Mul(Tensor other)
    {
        var r = ElementwiseLoop.Binary(this, other, BinaryOp.Mul);
        var (sa, sb) = (_shape, other._shape);
        return Autograd.Record(r, "mul", [this, other], (g, gi) =>
        {
            if (this.RequiresGrad)
            {
                using var t = ElementwiseLoop.Binary(g, other, BinaryOp.Mul);
                gi[0] = t.SumToShape(sa);
            }
            if (other.RequiresGrad)
            {
                using var t = ElementwiseLoop.Binary(g, this, BinaryOp.Mul);
                gi[1] = t.SumToShape(sb);
            }
        });
    }

    public Tensor Div(Tensor other)
    {
        var r = ElementwiseLoop.Binary(this, other, BinaryOp.Div);
        var (sa, sb) = (_shape, other._shape);
        return Autograd.Record(r, "div", [this, other], (g, gi) =>
        {
            if (this.RequiresGrad)
            {
                using var t = ElementwiseLoop.Binary(g, other, BinaryOp.Div);
                gi[0] = t.SumToShape(sa);
            }
            if (other.RequiresGrad)
            {
                // d(a/b)/db = −a/b² = −(a/b)/b
                using var q = ElementwiseLoop.Binary(this, other, BinaryOp.Div);
                using var q2 = ElementwiseLoop.Binary(q, other, BinaryOp.Div);
                using var t = ElementwiseLoop.Binary(g, q2, BinaryOp.Mul);
                using var n = t.Neg();
                gi[1] = n.SumToShape(sb);
            }
        });
    }

    /// <summary>Element-wise maximum; the gradient goes to the larger input (to <c>this</c> on ties).</summary>
    public Tensor Maximum(Tensor other) => MinMax(other, BinaryOp.Max);

    /// <summary>Element-wise minimum; the gradient goes to the smaller input (to <c>this</c> on ties).</summary>
    public Tensor Minimum(Tensor other) => MinMax(other, BinaryOp.Min);

    private Tensor MinMax(Tensor other, BinaryOp op)
    {
        var r = ElementwiseLoop.Binary(this, other, op);
        var (sa, sb) = (_shape, other._shape);
        return Autograd.Record(r, op == BinaryOp.Max ? "maximum" : "minimum", [this, other], (g, gi) =>
        {
            // Mask of elements where `this` won: r == this (broadcast).
            using var a = this.Expand(r._shape).Contiguous();
            var mask = Allocate(r._shape);
            var md = mask.Data; var ad = a.Data; var rd = r.Data;
            for (int i = 0; i < md.Length; i++) md[i] = ad[i] == rd[i] ? 1f : 0f;
            if (this.RequiresGrad)
            {
                using var t = ElementwiseLoop.Binary(g, mask, BinaryOp.Mul);
                gi[0] = t.SumToShape(sa);
            }
            if (other.RequiresGrad)
            {
                TensorPrimitives.Subtract(1f, md, md);
                using var t = ElementwiseLoop.Binary(g, mask, BinaryOp.Mul);
                gi[1] = t.SumToShape(sb);
            }
            mask.Dispose();
        });
    }

    public Tensor Add(float s)
    {
        var r = Allocate(_shape);
        using (var c = ContiguousNoGrad()) TensorPrimitives.Add(c.Data, s, r.Data);
        return Autograd.Record(r, "add_scalar", [this], (g, gi) => gi[0] = g.Alias());
    }

    public Tensor Mul(float s)
    {
        var r = Allocate(_shape);
        using (var c = ContiguousNoGrad()) TensorPrimitives.Multiply(c.Data, s, r.Data);
        return Autograd.Record(r, "mul_scalar", [this], (g, gi) => gi[0] = g.Mul(s));
    }

    public Tensor Neg() => Mul(-1f);

    /// <summary>s − this.</summary>
    public Tensor RSub(float s)
    {
        var r = Allocate(_shape);
        using (var c = ContiguousNoGrad()) TensorPrimitives.Subtract(s, c.Data, r.Data);
        return Autograd.Record(r, "rsub_scalar", [this], (g, gi) => gi[0] = g.Neg());
    }

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator +(Tensor a, float s) => a.Add(s);
    public static Tensor operator +(float s, Tensor a) => a.Add(s);
    public static Tensor operator -(Tensor a, float s) => a.Add(-s);
    public static Tensor operator -(float s, Tensor a) => a.RSub(s);
    public static Tensor operator *(Tensor a, float s) => a.Mul(s);
    public static Tensor operator *(float s, Tensor a) => a.Mul(s);
    public static Tensor operator /(Tensor a, float s) => a.Mul(1f / s);
    public static Tensor operator -(Tensor a) => a.Neg();

    /// <summary>A contiguous tensor with this one's values, not recorded (a view when already contiguous).</summary>
    internal Tensor ContiguousNoGrad()
    {
        if (IsContiguous) return MakeView(_shape, _strides, Offset);
        var t = Allocate(_shape, DType);
        StridedCopy.Copy(this, t);
        return t;
    }

    // ---- in-place updates (never recorded; for optimisers and initialisers) -----------------

    /// <summary>this += alpha · other, in place (same shape, this contiguous).</summary>
    public void AddInPlace(Tensor other, float alpha = 1f)
    {
        RequireInPlaceTarget();
        using var o = other.ContiguousNoGrad();
        if (!o.SameShape(this)) throw new ArgumentException($"AddInPlace: shape {FormatShape(other.Shape)} does not match {FormatShape(_shape)}.");
        if (alpha == 1f) TensorPrimitives.Add(Data, o.Data, Data);
        else TensorPrimitives.MultiplyAdd(o.Data, alpha, Data, Data);
    }

    public void MulInPlace(float s)
    {
        RequireInPlaceTarget();
        TensorPrimitives.Multiply(Data, s, Data);
    }

    public void Fill(float value)
    {
        RequireInPlaceTarget();
        Data.Fill(value);
    }

    /// <summary>Copies values from <paramref name="source"/> (same shape) into this tensor, in place.</summary>
    public void CopyFrom(Tensor source)
    {
        if (GradFn != null) throw new InvalidOperationException("In-place copy into a computed tensor would corrupt its graph.");
        source.CopyTo(this);
    }

    private void RequireInPlaceTarget()
    {
        if (!IsContiguous) throw new InvalidOperationException("In-place update needs a contiguous tensor.");
        if (GradFn != null) throw new InvalidOperationException("In-place update of a computed tensor would corrupt its graph.");
    }
}
