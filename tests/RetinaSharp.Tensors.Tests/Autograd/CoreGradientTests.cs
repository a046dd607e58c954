using RetinaSharp.Tensors;
using Xunit;

namespace RetinaSharp.Tensors.Tests;

public sealed class CoreGradientTests
{
    private readonly RandomGenerator _rng = new(1234);

    [Theory]
    [InlineData(new[] { 2, 3 }, new[] { 2, 3 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 1 })]
    [InlineData(new[] { 1, 3, 1 }, new[] { 2, 1, 5 })]
    [InlineData(new[] { 4 }, new int[0])]
    public void Binary_ops_broadcast_gradients_match_finite_differences(int[] sa, int[] sb)
    {
        GradCheck.Check(x => x[0].Add(x[1]), [GradCheck.Random(_rng, sa), GradCheck.Random(_rng, sb)]);
        GradCheck.Check(x => x[0].Sub(x[1]), [GradCheck.Random(_rng, sa), GradCheck.Random(_rng, sb)]);
        GradCheck.Check(x => x[0].Mul(x[1]), [GradCheck.Random(_rng, sa), GradCheck.Random(_rng, sb)]);
        GradCheck.Check(x => x[0].Div(x[1]), [GradCheck.Random(_rng, sa), GradCheck.RandomPositive(_rng, sb)]);
        GradCheck.Check(x => x[0].Maximum(x[1]), [GradCheck.Random(_rng, sa), GradCheck.Random(_rng, sb)]);
    }

    [Fact]
    public void Broadcast_forward_matches_hand_computed_values()
    {
        using var a = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        using var b = Tensor.FromArray([10f, 20f], 2, 1);
        using var c = a.Add(b);
        Assert.Equal([11f, 12f, 13f, 24f, 25f, 26f], c.ToArray());
        using var d = a.Div(b);
        Assert.Equal(0.3f, d[0, 2], 6);
        Assert.Equal(0.3f, d[1, 2], 6);
    }

    [Fact]
    public void Reductions_match_hand_values_and_finite_differences()
    {
        using var a = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        using (var s0 = a.Sum(0)) Assert.Equal([5f, 7f, 9f], s0.ToArray());
        using (var s1 = a.Sum(1, keepDim: true)) { Assert.Equal([2, 1], s1.Shape.ToArray()); Assert.Equal([6f, 15f], s1.ToArray()); }
        using (var m = a.Mean()) Assert.Equal(3.5f, m.Item(), 6);
        GradCheck.Check(x => x[0].Sum([0, 2]), [GradCheck.Random(_rng, 3, 4, 5)]);
        GradCheck.Check(x => x[0].Mean(1, keepDim: true), [GradCheck.Random(_rng, 3, 4, 5)]);
        GradCheck.Check(x => x[0].Sum(), [GradCheck.Random(_rng, 3, 4)]);
    }

    [Fact]
    public void MatMul_with_transposed_views_matches_naive_product_and_gradients()
    {
        using var a = GradCheck.Random(_rng, 5, 7);
        using var b = GradCheck.Random(_rng, 3, 7);
        using var bt = b.Transpose(0, 1);
        using var c = a.MatMul(bt);
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 3; j++)
            {
                double s = 0;
                for (int p = 0; p < 7; p++) s += a[i, p] * b[j, p];
                Assert.Equal(s, c[i, j], 5);
            }
        GradCheck.Check(x => x[0].MatMul(x[1]), [GradCheck.Random(_rng, 4, 6), GradCheck.Random(_rng, 6, 3)]);
        GradCheck.Check(x => { using var t = x[0].Transpose(0, 1); return t.MatMul(x[1]); }, [GradCheck.Random(_rng, 6, 4), GradCheck.Random(_rng, 6, 3)]);
    }

    [Fact]
    public void View_ops_route_gradients()
    {
        GradCheck.Check(x => x[0].Reshape(6, -1).Mul(x[0].Reshape(6, 4)), [GradCheck.Random(_rng, 2, 3, 4)]);
        GradCheck.Check(x => x[0].Permute(2, 0, 1).Contiguous(), [GradCheck.Random(_rng, 2, 3, 4)]);
        GradCheck.Check(x => x[0].Narrow(1, 1, 2).Mul(x[0].Narrow(1, 0, 2)), [GradCheck.Random(_rng, 2, 3, 4)]);
        GradCheck.Check(x => x[0].Expand(3, 2, 4), [GradCheck.Random(_rng, 2, 1)]);
        GradCheck.Check(x => Tensor.Cat([x[0], x[1], x[0]], 1), [GradCheck.Random(_rng, 2, 3), GradCheck.Random(_rng, 2, 1)]);
        GradCheck.Check(x => Tensor.Stack([x[0], x[1]], 2), [GradCheck.Random(_rng, 2, 3), GradCheck.Random(_rng, 2, 3)]);
        GradCheck.Check(x => x[0].Unsqueeze(1).Squeeze(), [GradCheck.Random(_rng, 3, 4)]);
        GradCheck.Check(x => x[0].Select(1, 2), [GradCheck.Random(_rng, 3, 4)]);
    }

    [Fact]
    public void Permuted_view_copies_in_the_right_order()
    {
        using var a = Tensor.FromArray([0f, 1f, 2f, 3f, 4f, 5f], 2, 3);
        using var t = a.Transpose(0, 1);
        Assert.False(t.IsContiguous);
        Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f], t.ToArray());
        using var s = a.Slice(1, -2, 3);
        Assert.Equal([1f, 2f, 4f, 5f], s.ToArray());
    }

    [Fact]
    public void Gradients_accumulate_across_backward_calls_and_fan_out()
    {
        using var x = Tensor.FromArray([2f, 3f], 2);
        x.RequiresGrad = true;
        using (var y = x.Mul(x))            // d/dx = 2x
        using (var z = y.Add(x))            // + 1
        using (var s = z.Sum())
            s.Backward();
        Assert.Equal([5f, 7f], x.Grad!.ToArray());
        using (var y = x.Mul(3f))
        using (var s = y.Sum())
            s.Backward();
        Assert.Equal([8f, 10f], x.Grad!.ToArray());
        x.Grad.Dispose();
    }

    [Fact]
    public void NoGrad_records_nothing_and_second_backward_without_retain_fails()
    {
        using var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        using (Autograd.NoGrad())
        {
            using var y = x.Mul(2f);
            Assert.False(y.RequiresGrad);
        }
        using var z = x.Mul(2f).Sum();
        z.Backward();
        Assert.Throws<InvalidOperationException>(() => z.Backward());
        x.Grad?.Dispose();
    }

    [Fact]
    public void Scope_disposes_everything_created_inside_except_moved_tensors()
    {
        Tensor inner, kept;
        using var outside = Tensor.Ones([3]);
        using (TensorScope.Enter())
        {
            inner = outside.Mul(2f);
            kept = outside.Add(1f).MoveToOuterScope();
        }
        Assert.True(inner.IsDisposed);
        Assert.False(kept.IsDisposed);
        Assert.False(outside.IsDisposed);
        Assert.Equal([2f, 2f, 2f], kept.ToArray());
        kept.Dispose();
    }

    [Fact]
    public void Views_keep_storage_alive_after_base_is_disposed()
    {
        var a = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var v = a.Transpose(0, 1);
        a.Dispose();
        Assert.Equal([1f, 3f, 2f, 4f], v.ToArray());
        v.Dispose();
        Assert.Throws<ObjectDisposedException>(() => v.ToArray());
    }
}
