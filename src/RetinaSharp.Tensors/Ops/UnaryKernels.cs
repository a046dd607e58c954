using System.Numerics;
using System.Numerics.Tensors;

namespace RetinaSharp.Tensors;

// Forward and backward kernels of the element-wise ops in Tensor.Unary.cs. Backward kernels take
// (gradOutput, saved) where saved is the op's input or output, whichever the derivative needs.

internal readonly struct ExpSpan : ISpanOp1
{
    public void Run(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Exp(x, y);
}

internal readonly struct LogSpan : ISpanOp1
{
    public void Run(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Log(x, y);
}

internal readonly struct SigmoidSpan : ISpanOp1
{
    public void Run(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);
}

internal readonly struct TanhSpan : ISpanOp1
{
    public void Run(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);
}

internal readonly struct AbsSpan : ISpanOp1
{
    public void Run(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Abs(x, y);
}

internal readonly struct SqrtSpan : ISpanOp1
{
    public void Run(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sqrt(x, y);
}

internal readonly struct SquareSpan : ISpanOp1
{
    public void Run(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Multiply(x, x, y);
}

internal readonly struct ReluSpan : ISpanOp1
{
    public void Run(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);
}

internal readonly struct PowSpan(float p) : ISpanOp1
{
    public void Run(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Pow(x, p, y);
}

internal readonly struct MulSpan : ISpanOp2
{
    public void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Multiply(a, b, y);
}

internal readonly struct DivSpan : ISpanOp2
{
    public void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Divide(a, b, y);
}

/// <summary>s · a · b.</summary>
internal readonly struct ScaledMulOp(float s) : IVectorOp2
{
    public Vector<float> Apply(Vector<float> a, Vector<float> b) => a * b * s;
}

/// <summary>Relu backward: g where y &gt; 0 (NaN inputs get no gradient, as in torch).</summary>
internal readonly struct ReluGradOp : IVectorOp2
{
    public Vector<float> Apply(Vector<float> g, Vector<float> y) =>
        Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), g, Vector<float>.Zero);
}

/// <summary>Sigmoid backward from the output: g · y · (1 − y).</summary>
internal readonly struct SigmoidGradOp : IVectorOp2
{
    public Vector<float> Apply(Vector<float> g, Vector<float> y) => g * y * (Vector<float>.One - y);
}

/// <summary>Tanh backward from the output: g · (1 − y²).</summary>
internal readonly struct TanhGradOp : IVectorOp2
{
    public Vector<float> Apply(Vector<float> g, Vector<float> y) => g * (Vector<float>.One - y * y);
}

/// <summary>Sqrt backward from the output: g / (2y).</summary>
internal readonly struct SqrtGradOp : IVectorOp2
{
    public Vector<float> Apply(Vector<float> g, Vector<float> y) => g / (y + y);
}

/// <summary>Abs backward: g · sign(x), with sign(0) = 0 like torch.</summary>
internal readonly struct AbsGradOp : IVectorOp2
{
    public Vector<float> Apply(Vector<float> g, Vector<float> x) =>
        Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), g,
            Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -g, Vector<float>.Zero));
}

/// <summary>log σ(x) = min(x, 0) − log(1 + e^−|x|): no overflow and no log of a rounded probability.</summary>
internal readonly struct LogSigmoidOp : IVectorOp1
{
    public Vector<float> Apply(Vector<float> x)
    {
        var e = Vector.Exp(-Vector.Abs(x));
        return Vector.Min(x, Vector<float>.Zero) - VectorLoop.Log1P(e);
    }
}

/// <summary>d log σ(x)/dx = 1 − σ(x) = σ(−x), from e = e^−|x|: e/(1+e) for x ≥ 0, 1/(1+e) otherwise.</summary>
internal readonly struct LogSigmoidGradOp : IVectorOp2
{
    public Vector<float> Apply(Vector<float> g, Vector<float> x)
    {
        var e = Vector.Exp(-Vector.Abs(x));
        var r = Vector<float>.One / (Vector<float>.One + e);
        var s = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), e * r, r);
        return g * s;
    }
}

/// <summary>
/// torch's softplus: x where β·x &gt; threshold, else log(1 + e^(βx))/β, written as
/// (max(z, 0) + log(1 + e^−|z|))/β with z = βx so large z cannot overflow.
/// </summary>
internal readonly struct SoftplusOp(float beta, float threshold) : IVectorOp1
{
    public Vector<float> Apply(Vector<float> x)
    {
        var z = x * beta;
        var sp = (Vector.Max(z, Vector<float>.Zero) + VectorLoop.Log1P(Vector.Exp(-Vector.Abs(z)))) / new Vector<float>(beta);
        return Vector.ConditionalSelect(Vector.GreaterThan(z, new Vector<float>(threshold)), x, sp);
    }
}

/// <summary>Softplus backward: g where βx &gt; threshold, else g·σ(βx).</summary>
internal readonly struct SoftplusGradOp(float beta, float threshold) : IVectorOp2
{
    public Vector<float> Apply(Vector<float> g, Vector<float> x)
    {
        var z = x * beta;
        var e = Vector.Exp(-Vector.Abs(z));
        var r = Vector<float>.One / (Vector<float>.One + e);
        var s = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(z, Vector<float>.Zero), r, e * r);
        return Vector.ConditionalSelect(Vector.GreaterThan(z, new Vector<float>(threshold)), g, g * s);
    }
}

internal readonly struct ClampOp(float min, float max) : IVectorOp1
{
    public Vector<float> Apply(Vector<float> x) => Vector.Min(Vector.Max(x, new Vector<float>(min)), new Vector<float>(max));
}

/// <summary>Clamp backward like torch: the gradient passes where min ≤ x ≤ max (bounds included).</summary>
internal readonly struct ClampGradOp(float min, float max) : IVectorOp2
{
    public Vector<float> Apply(Vector<float> g, Vector<float> x)
    {
        var inside = Vector.GreaterThanOrEqual(x, new Vector<float>(min)) & Vector.LessThanOrEqual(x, new Vector<float>(max));
        return Vector.ConditionalSelect(inside, g, Vector<float>.Zero);
    }
}
