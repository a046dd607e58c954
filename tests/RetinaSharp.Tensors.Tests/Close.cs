using Xunit;

namespace RetinaSharp.Tensors.Tests;

/// <summary>
/// Element-wise comparison with a reference: |actual − expected| ≤ rtol·|expected| + atol·max|expected| + 1e-7.
/// The absolute part scales with the largest reference value because float32 rounding in a sum or
/// dot product is proportional to the magnitude of the terms, not of the (possibly cancelling) result.
/// </summary>
public static class Close
{
    public static void Assert(float[] expected, Tensor actual, string what, double rtol = 1e-4, double atol = 1e-5)
    {
        var a = actual.ToArray();
        Xunit.Assert.True(expected.Length == a.Length, $"{what}: {a.Length} values, expected {expected.Length}.");
        double scale = 0;
        foreach (var v in expected) scale = Math.Max(scale, Math.Abs((double)v));
        for (int i = 0; i < a.Length; i++)
        {
            double e = expected[i];
            double tol = rtol * Math.Abs(e) + atol * scale + 1e-7;
            if (float.IsNaN(expected[i]) || float.IsInfinity(expected[i]))
                Xunit.Assert.True(expected[i].Equals(a[i]), $"{what}[{i}]: got {a[i]:G9}, expected {expected[i]:G9}.");
            else
                Xunit.Assert.True(Math.Abs(a[i] - e) <= tol, $"{what}[{i}]: got {a[i]:G9}, expected {e:G9} (tolerance {tol:G3}).");
        }
    }

    public static void Assert(Tensor expected, Tensor actual, string what, double rtol = 1e-4, double atol = 1e-5)
    {
        Xunit.Assert.True(expected.SameShape(actual), $"{what}: shape {Tensor.FormatShape(actual.Shape)}, expected {Tensor.FormatShape(expected.Shape)}.");
        Assert(expected.ToArray(), actual, what, rtol, atol);
    }

    /// <summary>Compares with the named fixture array (shape included).</summary>
    public static void Fixture(string name, Tensor actual, double rtol = 1e-4, double atol = 1e-5)
    {
        var f = TorchFixtures.Ops;
        Xunit.Assert.Equal(f.Shape(name), actual.Shape.ToArray());
        Assert(f.Floats(name), actual, name, rtol, atol);
    }
}
