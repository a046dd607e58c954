using Xunit;

namespace RetinaSharp.Tensors.Tests;

public sealed class UnaryOpTests
{
    private readonly RandomGenerator _rng = new(2024);

    public static TheoryData<string> Ops => new() { "relu", "exp", "log", "sigmoid", "logsigmoid", "softplus", "tanh", "abs", "sqrt", "square", "pow3", "pow0.5", "pow-1.5", "clamp" };

    private static Tensor Apply(string op, Tensor x) => op switch
    {
        "relu" => x.Relu(),
        "exp" => x.Exp(),
        "log" => x.Log(),
        "sigmoid" => x.Sigmoid(),
        "logsigmoid" => x.LogSigmoid(),
        "softplus" => x.Softplus(2f, 3f),
        "tanh" => x.Tanh(),
        "abs" => x.Abs(),
        "sqrt" => x.Sqrt(),
        "square" => x.Square(),
        "pow3" => x.Pow(3f),
        "pow0.5" => x.Pow(0.5f),
        "pow-1.5" => x.Pow(-1.5f),
        "clamp" => x.Clamp(-0.3f, 0.4f),
        _ => throw new ArgumentException(op),
    };

    private static double Reference(string op, double x) => op switch
    {
        "relu" => Math.Max(x, 0),
        "exp" => Math.Exp(x),
        "log" => Math.Log(x),
        "sigmoid" => 1 / (1 + Math.Exp(-x)),
        "logsigmoid" => -Math.Log(1 + Math.Exp(-x)),
        "softplus" => 2 * x > 3 ? x : Math.Log(1 + Math.Exp(2 * x)) / 2,
        "tanh" => Math.Tanh(x),
        "abs" => Math.Abs(x),
        "sqrt" => Math.Sqrt(x),
        "square" => x * x,
        "pow3" => x * x * x,
        "pow0.5" => Math.Sqrt(x),
        "pow-1.5" => Math.Pow(x, -1.5),
        "clamp" => Math.Clamp(x, -0.3, 0.4),
        _ => throw new ArgumentException(op),
    };

    private static bool PositiveDomain(string op) => op is "log" or "sqrt" or "pow0.5" or "pow-1.5";

    /// <summary>Inputs at least 0.05 from every kink of the op (0 for relu/abs, the clamp bounds, βx = threshold).</summary>
    private Tensor Input(string op, params int[] shape)
    {
        if (PositiveDomain(op)) return GradCheck.RandomPositive(_rng, shape);
        var t = GradCheck.AwayFromZero(_rng, 0.05f, shape);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++)
        {
            if (op == "clamp" && Math.Abs(d[i] + 0.3f) < 0.05f) d[i] -= 0.1f;
            if (op == "clamp" && Math.Abs(d[i] - 0.4f) < 0.05f) d[i] += 0.1f;
            if (op == "softplus" && Math.Abs(d[i] - 1.5f) < 0.05f) d[i] += 0.1f;
        }
        if (op == "softplus") d[0] = 1.9f; // one element past the threshold (βx = 3.8 > 3): the linear branch
        return t;
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Forward_matches_double_precision_reference(string op)
    {
        using var x = Input(op, 4, 7);
        using var y = Apply(op, x);
        var xs = x.ToArray();
        var ys = y.ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            double r = Reference(op, xs[i]);
            Assert.True(Math.Abs(ys[i] - r) <= 2e-6 * Math.Max(1, Math.Abs(r)), $"{op}({xs[i]}) = {ys[i]}, expected {r}");
        }
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Backward_matches_finite_differences_on_contiguous_and_transposed_inputs(string op)
    {
        GradCheck.Check(x => Apply(op, x[0]), [Input(op, 3, 5)]);
        // A transposed (non-contiguous) view as the op's input.
        GradCheck.Check(x => { using var t = x[0].Transpose(0, 1); return Apply(op, t); }, [Input(op, 4, 3)]);
    }

    [Fact]
    public void Pow_handles_negative_bases_with_integer_exponents()
    {
        using var x = Tensor.FromArray([-2f, -0.5f, 3f], 3);
        using var y = x.Pow(3f);
        Assert.Equal([-8f, -0.125f, 27f], y.ToArray());
        GradCheck.Check(v => v[0].Pow(3f), [Tensor.FromArray([-2f, -0.5f, 1.5f], 3)]);
    }

    [Fact]
    public void Clamp_passes_the_gradient_at_its_bounds_like_torch()
    {
        using var x = Tensor.FromArray([-1f, 0f, 0.5f, 1f, 2f], 5);
        var g = GradCheck.Gradients(v => v[0].Clamp(0f, 1f).Sum(), [x], null);
        Assert.Equal([0f, 1f, 1f, 1f, 0f], g[0].ToArray());
        g[0].Dispose();
    }

    [Fact]
    public void Relu_and_abs_have_zero_gradient_at_zero_and_pow0_has_zero_gradient()
    {
        using var x = Tensor.FromArray([-1f, 0f, 2f], 3);
        var r = GradCheck.Gradients(v => v[0].Relu().Sum(), [x], null);
        Assert.Equal([0f, 0f, 1f], r[0].ToArray());
        var a = GradCheck.Gradients(v => v[0].Abs().Sum(), [x], null);
        Assert.Equal([-1f, 0f, 1f], a[0].ToArray());
        var p = GradCheck.Gradients(v => v[0].Pow(0f).Sum(), [x], null);
        Assert.Equal([0f, 0f, 0f], p[0].ToArray());
        using var y = x.Pow(0f);
        Assert.Equal([1f, 1f, 1f], y.ToArray());
    }

    [Theory]
    [InlineData("logsigmoid")]
    [InlineData("softplus")]
    [InlineData("softplus_b2_t20")]
    [InlineData("softplus_b0.5_t5")]
    public void Log_sigmoid_and_softplus_match_torch_at_extreme_values(string name)
    {
        var f = TorchFixtures.Ops;
        using var x = f.Tensor("extreme.x");
        using var gy = f.Tensor(name + ".gy");
        Func<Tensor[], Tensor> op = name switch
        {
            "logsigmoid" => v => v[0].LogSigmoid(),
            "softplus" => v => v[0].Softplus(),
            "softplus_b2_t20" => v => v[0].Softplus(2f, 20f),
            _ => v => v[0].Softplus(0.5f, 5f),
        };
        using (var y = op([x])) Close.Fixture(name + ".y", y, rtol: 1e-5, atol: 0);
        var g = GradCheck.Gradients(op, [x], gy);
        Close.Fixture(name + ".gx", g[0], rtol: 1e-5, atol: 0);
        foreach (var v in g) v.Dispose();
    }

    [Fact]
    public void Log_sigmoid_is_finite_and_exact_where_naive_forms_fail()
    {
        using var x = Tensor.FromArray([-200f, 40f], 2);
        using var y = x.LogSigmoid();
        Assert.Equal(-200f, y[0]);
        // log σ(40) = −log(1 + e^−40) ≈ −4.25e-18, far below float resolution around 1 but representable.
        Assert.Equal(-4.248354e-18, y[1], 1e-22);
    }
}
