using System.Text.Json;
using Xunit;

namespace RetinaSharp.Tensors.Tests.Losses;

/// <summary>Softmax focal, dice and focal + dice losses against torch float64 autograd (tools/make_focal_api_fixtures.py).</summary>
public sealed class ClassificationLossTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "losses", "focal_api.json")))
            .RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e));

    public static TheoryData<string> Names()
    {
        var d = new TheoryData<string>();
        foreach (var k in Cases.Value.Keys) d.Add(k);
        return d;
    }

    private static float[] F(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
    private static int[] I(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    [Theory]
    [MemberData(nameof(Names))]
    public void Matches_torch_forward_and_backward(string name)
    {
        var c = Cases.Value[name];
        using var x = Tensor.FromArray(F(c.GetProperty("x")), I(c.GetProperty("shape")));
        x.RequiresGrad = true;
        Tensor output;
        if (name.StartsWith("softmax_focal", StringComparison.Ordinal))
        {
            var red = c.GetProperty("reduction").GetString() switch { "sum" => Reduction.Sum, "mean" => Reduction.Mean, _ => Reduction.None };
            var alpha = c.GetProperty("alpha").ValueKind == JsonValueKind.Null ? [] : F(c.GetProperty("alpha"));
            output = Functional.SoftmaxFocalLoss(x, I(c.GetProperty("labels")), c.GetProperty("gamma").GetSingle(), alpha, red);
        }
        else
        {
            using var t = Tensor.FromArray(F(c.GetProperty("targets")), I(c.GetProperty("shape")));
            output = name == "dice" ? Functional.DiceLoss(x, t) : Functional.FocalDiceLoss(x, t);
        }
        using (output)
        {
            Close(F(c.GetProperty("out")), output.ToArray(), name + " value");
            using var up = Tensor.FromArray(F(c.GetProperty("upstream")), output.Shape.ToArray());
            output.Backward(up);
        }
        Close(F(c.GetProperty("grad")), x.Grad!.ToArray(), name + " gradient");
        x.Grad.Dispose();
    }

    private static void Close(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = expected.Max(v => Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Abs(expected[i]) + 1e-5 * Math.Max(1, scale), $"{what}[{i}]: {actual[i]} vs torch {expected[i]}");
    }

    [Fact]
    public void Softmax_focal_gradient_matches_finite_differences()
    {
        var rng = new RandomGenerator(4);
        int[] labels = [2, 0, -1, 1];
        GradCheck.Check(x => Functional.SoftmaxFocalLoss(x[0], labels, 2f, [0.3f, 0.5f, 0.7f], Reduction.None), [GradCheck.Random(rng, 4, 3)]);
        GradCheck.Check(x => Functional.SoftmaxFocalLoss(x[0], labels, 0.5f), [GradCheck.Random(rng, 4, 3)]);
    }
}
