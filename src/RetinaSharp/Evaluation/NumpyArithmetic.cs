namespace RetinaSharp.Evaluation;

/// <summary>
/// The few numpy operations whose rounding shows in the COCO metrics, reproduced operation for
/// operation so that our numbers equal pycocotools' bit for bit rather than only to 1e-15.
/// </summary>
internal static class NumpyArithmetic
{
    /// <summary>np.spacing(1): the gap between 1.0 and the next double.</summary>
    public static readonly double Spacing1 = Math.BitIncrement(1.0) - 1.0;

    /// <summary>np.linspace(start, stop, num, endpoint=True) for float64.</summary>
    public static double[] Linspace(double start, double stop, int num)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(num);
        var y = new double[num];
        if (num == 0) return y;
        if (num == 1)
        {
            y[0] = start;
            return y;
        }
        double div = num - 1;
        var delta = stop - start;
        var step = delta / div;
        for (var i = 0; i < num; i++)
        {
            // numpy scales by the step unless it underflows to zero, then divides first.
            y[i] = step == 0 ? i / div * delta + start : i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    /// <summary>
    /// np.mean of a 1-D float64 array: add.reduce walks the data in buffer-sized chunks, sums each
    /// chunk pairwise, accumulates the chunk sums in order, then divides by the count.
    /// </summary>
    public static double Mean(ReadOnlySpan<double> values)
    {
        const int bufferSize = 8192;
        var sum = 0.0;
        for (var start = 0; start < values.Length; start += bufferSize)
        {
            sum += PairwiseSum(values.Slice(start, Math.Min(bufferSize, values.Length - start)));
        }
        return sum / values.Length;
    }

    /// <summary>numpy's pairwise summation: 8 running sums per block of up to 128, halves above that.</summary>
    public static double PairwiseSum(ReadOnlySpan<double> a)
    {
        var n = a.Length;
        if (n < 8)
        {
            var res = 0.0;
            for (var i = 0; i < n; i++) res += a[i];
            return res;
        }
        if (n <= 128)
        {
            double r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            var i = 8;
            for (; i < n - n % 8; i += 8)
            {
                r0 += a[i];
                r1 += a[i + 1];
                r2 += a[i + 2];
                r3 += a[i + 3];
                r4 += a[i + 4];
                r5 += a[i + 5];
                r6 += a[i + 6];
                r7 += a[i + 7];
            }
            var res = (r0 + r1 + (r2 + r3)) + (r4 + r5 + (r6 + r7));
            for (; i < n; i++) res += a[i];
            return res;
        }
        var n2 = n / 2;
        n2 -= n2 % 8;
        return PairwiseSum(a[..n2]) + PairwiseSum(a[n2..]);
    }
}
