using RetinaSharp.Tensors.Kernels;
using Xunit;

namespace RetinaSharp.Tensors.Tests.Kernels;

/// <summary>The GEMM-based convolutions against direct double-precision loops, including the banded column path.</summary>
[Collection("GemmIsa")]
public sealed class Conv2dKernelTests
{
    [Theory]
    [InlineData(2, 5, 9, 11, 6, 3, 3, 1, 1, 1, 1, 1)]
    [InlineData(1, 4, 8, 7, 4, 3, 3, 2, 1, 1, 2, 2)]
    [InlineData(2, 6, 7, 9, 6, 3, 3, 1, 2, 2, 1, 3)]
    [InlineData(1, 3, 6, 5, 5, 1, 1, 1, 0, 1, 1, 1)]
    [InlineData(1, 3, 6, 5, 5, 1, 1, 2, 0, 1, 1, 1)]
    [InlineData(1, 4, 13, 10, 8, 7, 5, 2, 3, 1, 2, 1)]
    public unsafe void Forward_and_both_gradients_match_direct_loops(int n, int c, int h, int w, int k, int kh, int kw, int stride, int pad, int dil, int groups, int bandRows)
    {
        var s = new Conv2dShape(n, c, h, w, k, kh, kw, stride, stride, pad, pad, dil, dil, groups);
        var rng = new RandomGenerator((ulong)(n + c * 3 + h * 5 + k * 7 + groups));
        float[] R(int len) { var a = new float[len]; for (int i = 0; i < len; i++) a[i] = (float)rng.Uniform(-1, 1); return a; }
        int cg = c / groups, kg = k / groups, oh = s.OutHeight, ow = s.OutWidth;
        var x = R(n * c * h * w); var wt = R(k * cg * kh * kw); var bias = R(k); var dy = R(n * k * oh * ow);
        var y = new float[dy.Length]; var dx = new float[x.Length]; var dw = new float[wt.Length]; var db = new float[k];
        long saved = Conv2dKernels.MaxColumnFloats;
        Conv2dKernels.MaxColumnFloats = (long)cg * kh * kw * ow * bandRows; // force bands of a few output rows
        try
        {
            fixed (float* px = x, pw = wt, pb = bias, pdy = dy, py = y, pdx = dx, pdw = dw, pdb = db)
            {
                Conv2dKernels.Forward(s, px, pw, pb, py);
                Conv2dKernels.BackwardInput(s, pdy, pw, pdx);
                Conv2dKernels.BackwardWeight(s, px, pdy, pdw, pdb);
            }
        }
        finally
        {
            Conv2dKernels.MaxColumnFloats = saved;
        }
        var ey = new double[y.Length]; var edx = new double[dx.Length]; var edw = new double[dw.Length]; var edb = new double[k];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < k; o++)
            {
                int g = o / kg;
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++)
                    {
                        int yi = ((b * k + o) * oh + oy) * ow + ox;
                        double acc = bias[o];
                        edb[o] += dy[yi];
                        for (int ci = 0; ci < cg; ci++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int iy = oy * stride - pad + i * dil, ix = ox * stride - pad + j * dil;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    int xi = ((b * c + g * cg + ci) * h + iy) * w + ix;
                                    int wi = ((o * cg + ci) * kh + i) * kw + j;
                                    acc += x[xi] * wt[wi];
                                    edx[xi] += dy[yi] * wt[wi];
                                    edw[wi] += dy[yi] * x[xi];
                                }
                        ey[yi] = acc;
                    }
            }
        Close(ey, y, "output"); Close(edx, dx, "grad input"); Close(edw, dw, "grad weight"); Close(edb, db, "grad bias");
    }

    private static void Close(double[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]} vs {expected[i]}");
    }
}
