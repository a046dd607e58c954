using RetinaSharp.Imaging.Jpeg;
using Xunit;

namespace RetinaSharp.Imaging.Tests.Jpeg;

/// <summary>
/// The integer IDCT against a direct double-precision evaluation of the T.81 A.3.3 formula, and its
/// vector version against the scalar one. (The fixture tests show both match libjpeg bit for bit on
/// real images; these cover random coefficient patterns and the machine's other code path.)
/// </summary>
public sealed class JpegIdctTests
{
    private static readonly double[,] Cosines = MakeCosines();

    private static double[,] MakeCosines()
    {
        var c = new double[8, 8];
        for (int x = 0; x < 8; x++)
            for (int u = 0; u < 8; u++) c[x, u] = Math.Cos((2 * x + 1) * u * Math.PI / 16);
        return c;
    }

    private static byte[] Reference(int[] coefficients)
    {
        var result = new byte[64];
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 8; x++)
            {
                double sum = 0;
                for (int v = 0; v < 8; v++)
                {
                    for (int u = 0; u < 8; u++)
                    {
                        double c = u == 0 && v == 0 ? 0.5 : u == 0 || v == 0 ? Math.Sqrt(0.5) : 1;
                        sum += c * coefficients[v * 8 + u]
                            * Cosines[x, u] * Cosines[y, v];
                    }
                }
                result[y * 8 + x] = (byte)Math.Clamp(Math.Round(sum / 4 + 128, MidpointRounding.AwayFromZero), 0, 255);
            }
        }
        return result;
    }

    /// <summary>Dequantised coefficients shaped like real ones: large at low frequencies, sparse and small above.</summary>
    private static int[] RandomBlock(Random random)
    {
        var block = new int[64];
        block[0] = random.Next(-1024, 1024);
        int count = random.Next(0, 40);
        for (int i = 0; i < count; i++)
        {
            int k = random.Next(1, 64);
            int scale = 400 / (1 + k / 4);
            block[k] = random.Next(-scale, scale + 1);
        }
        return block;
    }

    [Fact]
    public void IsWithinOneOfTheExactTransform()
    {
        var random = new Random(1234);
        int worst = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            var coefficients = RandomBlock(random);
            var expected = Reference(coefficients);
            var output = new byte[64];
            JpegIdct.TransformScalar(ref ((int[])coefficients.Clone())[0], ref output[0], 8);
            for (int i = 0; i < 64; i++) worst = Math.Max(worst, Math.Abs(output[i] - expected[i]));
        }
        Assert.True(worst <= 1, $"largest difference from the exact IDCT: {worst}");
    }

    [Fact]
    public void VectorAndScalarVersionsAgreeExactly()
    {
        var random = new Random(99);
        for (int trial = 0; trial < 5000; trial++)
        {
            var coefficients = RandomBlock(random);
            // Also extreme values, as corrupt files produce, where clamping and even 32-bit wrap-around
            // decide the result: the two versions must still agree.
            if (trial % 10 == 0) coefficients[random.Next(64)] = random.Next(-30000, 30000);
            if (trial % 50 == 0) coefficients[random.Next(64)] = random.Next(-(1 << 24), 1 << 24);
            var scalar = new byte[8 * 13];
            var dispatched = new byte[8 * 13];
            JpegIdct.TransformScalar(ref ((int[])coefficients.Clone())[0], ref scalar[0], 13);
            JpegIdct.Transform((int[])coefficients.Clone(), dispatched, 13);
            Assert.Equal(scalar, dispatched);
            if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
            {
                var vector = new byte[8 * 13];
                JpegIdct.TransformAvx2(ref ((int[])coefficients.Clone())[0], ref vector[0], 13);
                Assert.Equal(scalar, vector);
            }
        }
    }

    [Fact]
    public void DcOnlyShortcutMatchesTheFullTransform()
    {
        for (int dc = -2048; dc <= 2047; dc += 7)
        {
            var block = new int[64];
            block[0] = dc;
            var full = new byte[64];
            var shortcut = new byte[64];
            JpegIdct.TransformScalar(ref block[0], ref full[0], 8);
            JpegIdct.TransformDcOnly(dc, shortcut, 8);
            Assert.Equal(full, shortcut);
            Assert.Equal(Reference([dc, .. new int[63]])[0], shortcut[0]);
        }
    }
}
