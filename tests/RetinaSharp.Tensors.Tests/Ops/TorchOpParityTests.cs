using System.Text.Json;
using Xunit;

namespace RetinaSharp.Tensors.Tests.Ops;

/// <summary>Forward and backward of each op against torch (tools/make_op_fixtures.py).</summary>
public sealed class TorchOpParityTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() =>
    {
        var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "ops", "ops.json")));
        return doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e);
    });

    public static TheoryData<string> Names()
    {
        var d = new TheoryData<string>();
        foreach (var k in Cases.Value.Keys) d.Add(k);
        return d;
    }

    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();
    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_and_backward_match_torch(string name)
    {
        var c = Cases.Value[name];
        var p = c.GetProperty("params");
        var inputs = c.GetProperty("inputs").EnumerateArray()
            .Select(i => Tensor.FromArray(Floats(i.GetProperty("values")), Ints(i.GetProperty("shape")))).ToArray();
        var grads = c.GetProperty("grads").EnumerateArray().ToArray();
        for (int i = 0; i < inputs.Length; i++) inputs[i].RequiresGrad = grads[i].ValueKind != JsonValueKind.Null;
        float F(string key) => p.GetProperty(key).GetSingle();
        int I(string key) => p.GetProperty(key).GetInt32();
        Reduction Red() => p.GetProperty("reduction").GetString() switch { "sum" => Reduction.Sum, "mean" => Reduction.Mean, _ => Reduction.None };
        Tensor? rm = null, rv = null;
        if (p.TryGetProperty("running_mean", out var rmj))
        {
            rm = Tensor.FromArray(Floats(rmj), rmj.GetArrayLength());
            rv = Tensor.FromArray(Floats(p.GetProperty("running_var")), rmj.GetArrayLength());
        }
        var x = inputs;
        using var output = name switch
        {
            _ when name.StartsWith("conv2d") => Functional.Conv2d(x[0], x[1], x.Length > 2 ? x[2] : null, I("stride"), I("padding"), I("dilation"), I("groups")),
            "group_norm" => Functional.GroupNorm(x[0], I("groups"), x[1], x[2]),
            "batch_norm_train" => Functional.BatchNorm(x[0], rm!, rv!, x[1], x[2], training: true),
            "batch_norm_eval" => Functional.BatchNorm(x[0], rm!, rv!, x[1], x[2], training: false),
            _ when name.StartsWith("max_pool") => Functional.MaxPool2d(x[0], I("kernel"), I("stride"), I("padding")),
            _ when name.StartsWith("upsample") => Functional.UpsampleNearest(x[0], I("h"), I("w")),
            _ when name.StartsWith("focal") => Functional.SigmoidFocalLoss(x[0], x[1], F("alpha"), F("gamma"), Red()),
            "bce_logits_mean" => Functional.BinaryCrossEntropyWithLogits(x[0], x[1]),
            _ when name.StartsWith("smooth_l1") => Functional.SmoothL1Loss(x[0], x[1], F("beta"), name.EndsWith("sum") ? Reduction.Sum : Reduction.Mean),
            "l1_loss" or "l1_sum" => Functional.L1Loss(x[0], x[1], Reduction.Sum),
            "giou_loss_none" => Functional.GeneralizedBoxIouLoss(x[0], x[1]),
            "log_sigmoid" => x[0].LogSigmoid(),
            "softplus" => x[0].Softplus(),
            _ => throw new ArgumentException(name),
        };
        var expectedOut = c.GetProperty("output");
        Assert.Equal(Ints(expectedOut.GetProperty("shape")), output.Shape.ToArray());
        AssertClose(Floats(expectedOut.GetProperty("values")), output.ToArray(), $"{name} output");
        if (name == "batch_norm_train")
        {
            AssertClose(Floats(p.GetProperty("running_mean_after")), rm!.ToArray(), "running mean");
            AssertClose(Floats(p.GetProperty("running_var_after")), rv!.ToArray(), "running var");
        }
        using var up = Tensor.FromArray(Floats(c.GetProperty("upstream")), output.Shape.ToArray());
        output.Backward(up);
        for (int i = 0; i < inputs.Length; i++)
        {
            if (grads[i].ValueKind == JsonValueKind.Null) continue;
            Assert.NotNull(inputs[i].Grad);
            AssertClose(Floats(grads[i]), inputs[i].Grad!.ToArray(), $"{name} grad of input {i}");
        }
        foreach (var t in inputs) { t.Grad?.Dispose(); t.Dispose(); }
        rm?.Dispose();
        rv?.Dispose();
    }

    /// <summary>float32 against torch's float32: relative 1e-4 of the larger magnitude, plus a small absolute floor.</summary>
    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = 0;
        foreach (var v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])) + 1e-5 * scale,
                $"{what}[{i}]: {actual[i]} vs torch {expected[i]}");
    }
}
