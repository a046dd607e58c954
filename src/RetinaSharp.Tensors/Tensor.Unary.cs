using System.Numerics.Tensors;

namespace RetinaSharp.Tensors;

public sealed unsafe partial class Tensor
{
    private Tensor MapUnary(Action<ReadOnlySpan<float>, Span<float>> f)
    {
        var r = Allocate(_shape);
        using (var c = ContiguousNoGrad()) f(c.Data, r.Data);
        return r;
    }

    public Tensor Relu()
    {
        var r = MapUnary((x, y) => TensorPrimitives.Max(x, 0f, y));
        return Autograd.Record(r, "relu", [this], (g, gi) =>
        {
            // Gradient passes where the output is positive (torch: 0 at x == 0).
            var m = Allocate(_shape);
            var gd = g.ContiguousNoGrad();
            var rd = r.Data; var md = m.Data; var gs = gd.Data;
            for (int i = 0; i < md.Length; i++) md[i] = rd[i] > 0 ? gs[i] : 0f;
            gd.Dispose();
            gi[0] = m;
        });
    }

    public Tensor Exp()
    {
        var r = MapUnary(TensorPrimitives.Exp);
        return Autograd.Record(r, "exp", [this], (g, gi) => gi[0] = ElementwiseLoop.Binary(g, r, BinaryOp.Mul));
    }

    public Tensor Log()
    {
        var r = MapUnary(TensorPrimitives.Log);
        return Autograd.Record(r, "log", [this], (g, gi) => gi[0] = ElementwiseLoop.Binary(g, this, BinaryOp.Div));
    }

    public Tensor Sqrt()
    {
        var r = MapUnary(TensorPrimitives.Sqrt);
        return Autograd.Record(r, "sqrt", [this], (g, gi) =>
        {
            using var twice = r.MulNoGrad(2f);
            gi[0] = ElementwiseLoop.Binary(g, twice, BinaryOp.Div);
        });
    }

    public Tensor Square() => Mul(this);

    public Tensor Abs()
    {
        var r = MapUnary(TensorPrimitives.Abs);
        return Autograd.Record(r, "abs", [this], (g, gi) =>
        {
            using var s = MapUnaryNoGrad(this, (x, y) => { for (int i = 0; i < x.Length; i++) y[i] = MathF.Sign(x[i]); });
            gi[0] = ElementwiseLoop.Binary(g, s, BinaryOp.Mul);
        });
    }

    public Tensor Sigmoid()
    {
        var r = MapUnary(TensorPrimitives.Sigmoid);
        return Autograd.Record(r, "sigmoid", [this], (g, gi) =>
        {
            // σ' = σ(1 − σ)
            var d = Allocate(_shape);
            using var gc = g.ContiguousNoGrad();
            var rd = r.Data; var dd = d.Data; var gs = gc.Data;
            for (int i = 0; i < dd.Length; i++) dd[i] = gs[i] * rd[i] * (1 - rd[i]);
            gi[0] = d;
        });
    }

    public Tensor Tanh()
    {
        var r = MapUnary(TensorPrimitives.Tanh);
        return Autograd.Record(r, "tanh", [this], (g, gi) =>
        {
            var d = Allocate(_shape);
            using var gc = g.ContiguousNoGrad();
            var rd = r.Data; var dd = d.Data; var gs = gc.Data;
            for (int i = 0; i < dd.Length; i++) dd[i] = gs[i] * (1 - rd[i] * rd[i]);
            gi[0] = d;
        });
    }

    /// <summary>log σ(x) = −softplus(−x), stable for any x.</summary>
    public Tensor LogSigmoid()
    {
        var r = MapUnary((x, y) => { for (int i = 0; i < x.Length; i++) y[i] = -StableSoftplus(-x[i]); });
        return Autograd.Record(r, "log_sigmoid", [this], (g, gi) =>
        {
            // d/dx log σ(x) = 1 − σ(x) = σ(−x)
            var d = Allocate(_shape);
            using var xc = ContiguousNoGrad();
            using var gc = g.ContiguousNoGrad();
            var xs = xc.Data; var dd = d.Data; var gs = gc.Data;
            for (int i = 0; i < dd.Length; i++) dd[i] = gs[i] * StableSigmoid(-xs[i]);
            gi[0] = d;
        });
    }

    /// <summary>softplus(x) = log(1 + e^{βx})/β, linear above <paramref name="threshold"/> like torch.</summary>
    public Tensor Softplus(float beta = 1, float threshold = 20)
    {
        var r = MapUnary((x, y) =>
        {
            for (int i = 0; i < x.Length; i++)
                y[i] = x[i] * beta > threshold ? x[i] : StableSoftplus(beta * x[i]) / beta;
        });
        return Autograd.Record(r, "softplus", [this], (g, gi) =>
        {
            var d = Allocate(_shape);
            using var xc = ContiguousNoGrad();
            using var gc = g.ContiguousNoGrad();
            var xs = xc.Data; var dd = d.Data; var gs = gc.Data;
            for (int i = 0; i < dd.Length; i++) dd[i] = xs[i] * beta > threshold ? gs[i] : gs[i] * StableSigmoid(beta * xs[i]);
            gi[0] = d;
        });
    }

    /// <summary>Clamps to [min, max]; the gradient passes where min ≤ x ≤ max (torch's convention).</summary>
    public Tensor Clamp(float min = float.NegativeInfinity, float max = float.PositiveInfinity)
    {
        var r = MapUnary((x, y) => { for (int i = 0; i < x.Length; i++) y[i] = Math.Clamp(x[i], min, max); });
        return Autograd.Record(r, "clamp", [this], (g, gi) =>
        {
            var d = Allocate(_shape);
            using var xc = ContiguousNoGrad();
            using var gc = g.ContiguousNoGrad();
            var xs = xc.Data; var dd = d.Data; var gs = gc.Data;
            for (int i = 0; i < dd.Length; i++) dd[i] = xs[i] >= min && xs[i] <= max ? gs[i] : 0f;
            gi[0] = d;
        });
    }

    /// <summary>x^p for a constant exponent.</summary>
    public Tensor Pow(float p)
    {
        var r = MapUnary((x, y) => TensorPrimitives.Pow(x, p, y));
        return Autograd.Record(r, "pow", [this], (g, gi) =>
        {
            var d = Allocate(_shape);
            using var xc = ContiguousNoGrad();
            using var gc = g.ContiguousNoGrad();
            var xs = xc.Data; var dd = d.Data; var gs = gc.Data;
            for (int i = 0; i < dd.Length; i++) dd[i] = gs[i] * p * MathF.Pow(xs[i], p - 1);
            gi[0] = d;
        });
    }

    internal Tensor MulNoGrad(float s)
    {
        var r = Allocate(_shape);
        using var c = ContiguousNoGrad();
        TensorPrimitives.Multiply(c.Data, s, r.Data);
        return r;
    }

    private static Tensor MapUnaryNoGrad(Tensor t, Action<ReadOnlySpan<float>, Span<float>> f)
    {
        var r = Allocate(t._shape);
        using var c = t.ContiguousNoGrad();
        f(c.Data, r.Data);
        return r;
    }

    /// <summary>log(1 + e^x) without overflow: max(x, 0) + log1p(e^{−|x|}).</summary>
    internal static float StableSoftplus(float x) => MathF.Max(x, 0) + (float)Math.Log(1 + Math.Exp(-Math.Abs((double)x)));

    internal static float StableSigmoid(float x) => x >= 0 ? 1 / (1 + MathF.Exp(-x)) : MathF.Exp(x) / (1 + MathF.Exp(x));

    // ---- comparisons and conversions (no gradient) ----------------------------------------

    /// <summary>1.0 where the predicate holds, else 0.0 (a float mask, usable in arithmetic).</summary>
    public Tensor Where(Func<float, bool> predicate)
    {
        var r = Allocate(_shape);
        using var c = ContiguousNoGrad();
        var x = c.Data; var y = r.Data;
        for (int i = 0; i < x.Length; i++) y[i] = predicate(x[i]) ? 1f : 0f;
        return r;
    }

    /// <summary>Converts Int64/Int32/Bool tensors to float32 (a copy; float32 input gives a detached copy).</summary>
    public Tensor ToFloat()
    {
        var r = Allocate(_shape);
        using var c = ContiguousNoGrad();
        var y = r.Data;
        switch (DType)
        {
            case DType.Float32: c.Data.CopyTo(y); break;
            case DType.Int64: { var x = c.AsSpan<long>(); for (int i = 0; i < y.Length; i++) y[i] = x[i]; break; }
            case DType.Int32: { var x = c.AsSpan<int>(); for (int i = 0; i < y.Length; i++) y[i] = x[i]; break; }
            case DType.Bool: { var x = c.AsSpan<bool>(); for (int i = 0; i < y.Length; i++) y[i] = x[i] ? 1 : 0; break; }
        }
        return r;
    }
}
