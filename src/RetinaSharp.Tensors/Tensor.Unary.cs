namespace RetinaSharp.Tensors;

public sealed unsafe partial class Tensor
{
    /// <summary>max(x, 0).</summary>
    public Tensor Relu()
    {
        var y = Map(new ReluSpan());
        return Autograd.Record(y, "relu", [this], (g, gi) => gi[0] = MapGrad(new ReluGradOp(), g, y));
    }

    public Tensor Exp()
    {
        var y = Map(new ExpSpan());
        return Autograd.Record(y, "exp", [this], (g, gi) => gi[0] = Map(new MulSpan(), g, y));
    }

    /// <summary>Natural logarithm.</summary>
    public Tensor Log()
    {
        var y = Map(new LogSpan());
        return Autograd.Record(y, "log", [this], (g, gi) => gi[0] = Map(new DivSpan(), g, this));
    }

    public Tensor Sigmoid()
    {
        var y = Map(new SigmoidSpan());
        return Autograd.Record(y, "sigmoid", [this], (g, gi) => gi[0] = MapGrad(new SigmoidGradOp(), g, y));
    }

    /// <summary>log σ(x), stable for any x (never the log of a rounded probability).</summary>
    public Tensor LogSigmoid()
    {
        var y = Map(new VectorSpanOp1<LogSigmoidOp>(default));
        return Autograd.Record(y, "log_sigmoid", [this], (g, gi) => gi[0] = MapGrad(new LogSigmoidGradOp(), g, this));
    }

    /// <summary>torch's softplus: log(1 + e^(βx))/β, or x where βx &gt; threshold. Stable for any x.</summary>
    public Tensor Softplus(float beta = 1f, float threshold = 20f)
    {
        if (beta == 0) throw new ArgumentException("Softplus needs a non-zero beta.", nameof(beta));
        var y = Map(new VectorSpanOp1<SoftplusOp>(new SoftplusOp(beta, threshold)));
        return Autograd.Record(y, "softplus", [this], (g, gi) => gi[0] = MapGrad(new SoftplusGradOp(beta, threshold), g, this));
    }

    public Tensor Tanh()
    {
        var y = Map(new TanhSpan());
        return Autograd.Record(y, "tanh", [this], (g, gi) => gi[0] = MapGrad(new TanhGradOp(), g, y));
    }

    /// <summary>|x|; the gradient at 0 is 0, as in torch.</summary>
    public Tensor Abs()
    {
        var y = Map(new AbsSpan());
        return Autograd.Record(y, "abs", [this], (g, gi) => gi[0] = MapGrad(new AbsGradOp(), g, this));
    }

    public Tensor Sqrt()
    {
        var y = Map(new SqrtSpan());
        return Autograd.Record(y, "sqrt", [this], (g, gi) => gi[0] = MapGrad(new SqrtGradOp(), g, y));
    }

    /// <summary>x².</summary>
    public Tensor Square()
    {
        var y = Map(new SquareSpan());
        return Autograd.Record(y, "square", [this], (g, gi) => gi[0] = MapGrad(new ScaledMulOp(2f), g, this));
    }

    /// <summary>x^p for a scalar exponent (torch's pow with a Python number).</summary>
    public Tensor Pow(float p)
    {
        if (p == 1f) return Mul(1f);
        if (p == 2f) return Square();
        var y = Map(new PowSpan(p));
        return Autograd.Record(y, "pow", [this], (g, gi) =>
        {
            // d(x^p)/dx = p·x^(p−1); torch defines the gradient of x^0 as 0 everywhere.
            if (p == 0f)
            {
                gi[0] = Zeros(_shape);
                return;
            }
            var d = p == 3f ? MapGrad(new ScaledMulOp(1f), this, this) : Map(new PowSpan(p - 1f));
            using (var gc = g.ContiguousNoGrad())
                SpanMap.Run(new VectorSpanOp2<ScaledMulOp>(new ScaledMulOp(p)), gc.FloatPointer, d.FloatPointer, d.FloatPointer, d.NumElements);
            gi[0] = d;
        });
    }

    /// <summary>
    /// Limits values to [min, max] (either bound may be infinite). Like torch, the gradient passes
    /// where min ≤ x ≤ max, bounds included.
    /// </summary>
    public Tensor Clamp(float min = float.NegativeInfinity, float max = float.PositiveInfinity)
    {
        if (min > max) throw new ArgumentException($"Clamp: min {min} is greater than max {max}.");
        var y = Map(new VectorSpanOp1<ClampOp>(new ClampOp(min, max)));
        return Autograd.Record(y, "clamp", [this], (g, gi) => gi[0] = MapGrad(new ClampGradOp(min, max), g, this));
    }

    /// <summary>Clamp from below only (torch's clamp(min=...)).</summary>
    public Tensor ClampMin(float min) => Clamp(min, float.PositiveInfinity);

    /// <summary>Clamp from above only.</summary>
    public Tensor ClampMax(float max) => Clamp(float.NegativeInfinity, max);

    // ---- internals ------------------------------------------------------------------------

    /// <summary>op(this) into a new contiguous tensor, not recorded.</summary>
    internal Tensor Map<T>(T op) where T : struct, ISpanOp1
    {
        RequireFloat();
        var y = Allocate(_shape);
        using var c = ContiguousNoGrad();
        SpanMap.Run(op, c.FloatPointer, y.FloatPointer, NumElements);
        return y;
    }

    /// <summary>op(a, b) for two float tensors of one shape into a new contiguous tensor, not recorded.</summary>
    internal static Tensor Map<T>(T op, Tensor a, Tensor b) where T : struct, ISpanOp2
    {
        if (!a.SameShape(b)) throw new ArgumentException($"Shapes {FormatShape(a.Shape)} and {FormatShape(b.Shape)} differ.");
        a.RequireFloat();
        b.RequireFloat();
        var y = Allocate(a._shape);
        using var ac = a.ContiguousNoGrad();
        using var bc = b.ContiguousNoGrad();
        SpanMap.Run(op, ac.FloatPointer, bc.FloatPointer, y.FloatPointer, y.NumElements);
        return y;
    }

    /// <summary>A backward kernel (gradOutput, saved) into a new tensor.</summary>
    internal static Tensor MapGrad<T>(T op, Tensor g, Tensor saved) where T : struct, IVectorOp2 =>
        Map(new VectorSpanOp2<T>(op), g, saved);

    internal void RequireFloat()
    {
        if (DType != DType.Float32)
            throw new InvalidOperationException($"This operation needs a float32 tensor, got {DType} {FormatShape(_shape)}.");
    }
}
