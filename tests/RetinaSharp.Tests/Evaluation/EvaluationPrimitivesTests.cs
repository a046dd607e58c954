using RetinaSharp.Evaluation;
using Xunit;

namespace RetinaSharp.Tests.Evaluation;

/// <summary>The box overlap, numpy's mean and Python's fixed-point formatting, against known values.</summary>
public sealed class EvaluationPrimitivesTests
{
    [Theory]
    [InlineData(0, 0, 10, 10, 5, 0, 10, 10, false, 50.0 / 150.0)]
    [InlineData(0, 0, 10, 10, 0, 0, 10, 10, false, 1.0)]
    [InlineData(0, 0, 10, 10, 10, 0, 10, 10, false, 0.0)]        // touching edges
    [InlineData(0, 0, 10, 10, 5, 0, 100, 100, true, 0.5)]        // crowd: over the detection's area
    [InlineData(20, 20, 10, 10, 0, 0, 100, 100, true, 1.0)]      // inside a crowd
    [InlineData(20, 20, 10, 10, 0, 0, 100, 100, false, 0.01)]
    [InlineData(0, 0, 0, 10, 0, 0, 10, 10, false, 0.0)]          // no width
    public void Box_IoU_matches_the_definition(double dx, double dy, double dw, double dh,
                                               double gx, double gy, double gw, double gh, bool crowd, double expected)
    {
        Assert.Equal(expected, BoxIou.Compute(dx, dy, dw, dh, gx, gy, gw, gh, crowd), 15);
    }

    [Theory]
    // np.mean([1/(i+1) + (i % 7) * 1e-3 for i in range(n)]) printed with repr by numpy 1.24.
    [InlineData(5, 0.45866666666666667)]
    [InlineData(100, 0.05482377517639621)]
    [InlineData(1000, 0.010482470860550345)]
    [InlineData(20000, 0.0035238864108614663)]
    public void Mean_sums_as_numpy_does(int n, double numpyMean)
    {
        var values = new double[n];
        var naive = 0.0;
        for (var i = 0; i < n; i++)
        {
            values[i] = 1.0 / (i + 1) + i % 7 * 1e-3;
            naive += values[i];
        }
        Assert.Equal(numpyMean, NumpyArithmetic.Mean(values));
        if (n > 8) Assert.NotEqual(numpyMean, naive / n);   // a plain running sum would not do
    }

    [Theory]
    // Python's '{:0.Nf}'.format(value).
    [InlineData(0.0625, 3, "0.062")]
    [InlineData(0.1875, 3, "0.188")]
    [InlineData(0.3125, 3, "0.312")]
    [InlineData(2.675, 2, "2.67")]
    [InlineData(-0.0, 3, "-0.000")]
    [InlineData(1.0005, 3, "1.000")]
    [InlineData(0.0005, 3, "0.001")]
    [InlineData(-1.0, 3, "-1.000")]
    [InlineData(0.9995, 3, "1.000")]
    [InlineData(123.4565, 3, "123.457")]
    [InlineData(1e-300, 3, "0.000")]
    [InlineData(0.95, 2, "0.95")]
    [InlineData(0.5, 0, "0")]
    public void Fixed_formatting_rounds_like_Python(double value, int decimals, string python)
    {
        Assert.Equal(python, PythonFixedFormat.Format(value, decimals));
    }
}
