using Xunit;

namespace RetinaSharp.Tensors.Tests;

public sealed class IndexingOpTests
{
    private readonly RandomGenerator _rng = new(77);

    [Fact]
    public void Comparisons_with_scalars_and_broadcast_tensors_match_hand_values()
    {
        using var a = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        using (var gt = a.Gt(3f)) Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f], Floats(gt));
        using (var ge = a.Ge(3f)) Assert.Equal([0f, 0f, 1f, 1f, 1f, 1f], Floats(ge));
        using (var lt = a.Lt(2f)) Assert.Equal([1f, 0f, 0f, 0f, 0f, 0f], Floats(lt));
        using (var le = a.Le(2f)) Assert.Equal([1f, 1f, 0f, 0f, 0f, 0f], Floats(le));
        using (var eq = a.Eq(5f)) Assert.Equal([0f, 0f, 0f, 0f, 1f, 0f], Floats(eq));
        using (var ne = a.Ne(5f)) Assert.Equal([1f, 1f, 1f, 1f, 0f, 1f], Floats(ne));
        using var row = Tensor.FromArray([2f, 2f, 7f], 3);
        using (var c = a.Gt(row)) Assert.Equal([0f, 0f, 0f, 1f, 1f, 0f], Floats(c));
        using var col = Tensor.FromArray([1f, 6f], 2, 1);
        using (var c = a.Le(col)) { Assert.Equal([2, 3], c.Shape.ToArray()); Assert.Equal([1f, 0f, 0f, 1f, 1f, 1f], Floats(c)); }
        // Through a transposed view.
        using var t = a.Transpose(0, 1);
        using (var c = t.Eq(4f)) Assert.Equal([0f, 1f, 0f, 0f, 0f, 0f], Floats(c));
        using var nan = Tensor.FromArray([float.NaN], 1);
        using (var c = nan.Gt(0f)) Assert.Equal([0f], Floats(c));
        using (var c = nan.Ne(0f)) Assert.Equal([1f], Floats(c));
    }

    [Fact]
    public void Integer_tensors_compare_and_logical_ops_combine_masks()
    {
        using var labels = Tensor.FromArray([-2L, -1L, 0L, 3L], 4);
        using var fg = labels.Ge(0f);
        using var notIgnored = labels.Ne(-2f);
        using var bg = labels.Eq(-1f);
        Assert.Equal([0f, 0f, 1f, 1f], Floats(fg));
        using (var and = notIgnored.LogicalAnd(fg)) Assert.Equal([0f, 0f, 1f, 1f], Floats(and));
        using (var or = bg.LogicalOr(fg)) Assert.Equal([0f, 1f, 1f, 1f], Floats(or));
        using (var not = fg.LogicalNot()) Assert.Equal([1f, 1f, 0f, 0f], Floats(not));
        Assert.Equal(2, fg.CountNonZero());
        using var other = Tensor.FromArray([-2L, 0L, 0L, 5L], 4);
        using (var eq = labels.Eq(other)) Assert.Equal([1f, 0f, 1f, 0f], Floats(eq));
    }

    [Fact]
    public void Conversions_truncate_toward_zero_and_test_non_zero()
    {
        using var x = Tensor.FromArray([-1.7f, -0.2f, 0f, 0.9f, 2.5f], 5);
        using var l = x.ToInt64();
        Assert.Equal([-1L, 0L, 0L, 0L, 2L], l.ToArray<long>());
        using var b = x.ToBool();
        Assert.Equal([true, true, false, true, true], b.ToArray<bool>());
        using var i = l.ToInt32();
        Assert.Equal([-1, 0, 0, 0, 2], i.ToArray<int>());
        using var back = l.ToFloat();
        Assert.Equal([-1f, 0f, 0f, 0f, 2f], back.ToArray());
        // float → float keeps the graph.
        GradCheck.Check(v => v[0].ToFloat().Mul(v[0]), [GradCheck.Random(_rng, 3)]);
    }

    [Fact]
    public void IndexSelect_picks_slices_with_repeats_and_sums_gradients()
    {
        using var x = Tensor.FromArray([0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f], 3, 4);
        using var rows = Tensor.FromArray([2L, 0L, 2L], 3);
        using (var r = x.IndexSelect(0, rows)) Assert.Equal([8f, 9f, 10f, 11f, 0f, 1f, 2f, 3f, 8f, 9f, 10f, 11f], r.ToArray());
        using var cols = Tensor.FromArray([3, 1], 2);
        using (var r = x.IndexSelect(1, cols)) Assert.Equal([3f, 1f, 7f, 5f, 11f, 9f], r.ToArray());
        using (var r = Functional.IndexSelectRows(x, [1])) Assert.Equal([4f, 5f, 6f, 7f], r.ToArray());
        using (var r = Functional.IndexSelectRows(x, [])) Assert.Equal([0, 4], r.Shape.ToArray());
        GradCheck.Check(v => v[0].IndexSelect(0, rows), [GradCheck.Random(_rng, 3, 4)]);
        GradCheck.Check(v => { using var t = v[0].Transpose(0, 2); return t.IndexSelect(1, cols); }, [GradCheck.Random(_rng, 2, 4, 3)]);
        using var bad = Tensor.FromArray([3L], 1);
        Assert.Throws<IndexOutOfRangeException>(() => x.IndexSelect(0, bad));
    }

    [Fact]
    public void Gather_and_scatter_add_follow_torch_indexing_and_are_adjoint()
    {
        using var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        using var idx = Tensor.FromArray([2L, 0L, 1L, 1L], 2, 2);
        using (var g = x.Gather(1, idx)) Assert.Equal([3f, 1f, 5f, 5f], g.ToArray());
        using var idx0 = Tensor.FromArray([1L, 0L, 1L], 1, 3);
        using (var g = x.Gather(0, idx0)) Assert.Equal([4f, 2f, 6f], g.ToArray());
        using var zeros = Tensor.Zeros([2, 3]);
        using var src = Tensor.FromArray([10f, 20f, 30f, 40f], 2, 2);
        using (var s = zeros.ScatterAdd(1, idx, src)) Assert.Equal([20f, 0f, 10f, 0f, 70f, 0f], s.ToArray());
        GradCheck.Check(v => v[0].Gather(1, idx), [GradCheck.Random(_rng, 2, 3)]);
        GradCheck.Check(v => { using var t = v[0].Transpose(0, 1); return t.Gather(0, idx0.Transpose(0, 1)); }, [GradCheck.Random(_rng, 2, 3)]);
        GradCheck.Check(v => v[0].ScatterAdd(1, idx, v[1]), [GradCheck.Random(_rng, 2, 3), GradCheck.Random(_rng, 2, 2)]);
    }

    [Fact]
    public void MaskedSelect_Where_and_NonZero_match_hand_values_and_gradients()
    {
        using var x = Tensor.FromArray([1f, -2f, 3f, -4f, 5f, -6f], 2, 3);
        using var mask = x.Gt(0f);
        using (var s = x.MaskedSelect(mask)) Assert.Equal([1f, 3f, 5f], s.ToArray());
        using var rowMask = Tensor.FromArray([false, true], 2, 1);
        using (var s = x.MaskedSelect(rowMask)) Assert.Equal([-4f, 5f, -6f], s.ToArray());
        using (var nz = mask.NonZero())
        {
            Assert.Equal([3, 2], nz.Shape.ToArray());
            Assert.Equal([0L, 0L, 0L, 2L, 1L, 1L], nz.ToArray<long>());
        }
        using var b = Tensor.FromArray([10f, 20f, 30f], 3);
        using (var w = Tensor.Where(mask, x, b)) Assert.Equal([1f, 20f, 3f, 10f, 5f, 30f], w.ToArray());
        using (var w = Tensor.Where(mask, x, 0f)) Assert.Equal([1f, 0f, 3f, 0f, 5f, 0f], w.ToArray());
        GradCheck.Check(v => v[0].MaskedSelect(mask), [GradCheck.Random(_rng, 2, 3)]);
        GradCheck.Check(v => v[0].MaskedSelect(rowMask), [GradCheck.Random(_rng, 2, 3)]);
        GradCheck.Check(v => Tensor.Where(mask, v[0], v[1]), [GradCheck.Random(_rng, 2, 3), GradCheck.Random(_rng, 3)]);
        GradCheck.Check(v => { using var t = v[0].Transpose(0, 1); return Tensor.Where(rowMask, v[1], t); }, [GradCheck.Random(_rng, 3, 2), GradCheck.Random(_rng, 1, 3)]);
    }

    private static float[] Floats(Tensor boolTensor)
    {
        using var f = boolTensor.ToFloat();
        return f.ToArray();
    }
}
