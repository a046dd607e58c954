using RetinaSharp.Imaging;
using Xunit;
using Xunit.Abstractions;

namespace RetinaSharp.Imaging.Tests.Jpeg;

/// <summary>
/// Every fixture decodes to within ±2 of what djpeg (libjpeg-turbo, default settings) produced from
/// it; the measured difference is printed per fixture.
/// </summary>
public sealed class JpegDecodeTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases() => new(JpegFixtures.Cases("Decode"));

    /// <summary>The damaged files except the truncated progressive one, which has its own test.</summary>
    public static TheoryData<string> DamagedCases() =>
        new(JpegFixtures.Cases("Damaged").Where(n => n != TruncatedProgressive));

    private const string TruncatedProgressive = "truncated-progressive";

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesDjpeg(string name) => AssertMatchesDjpeg("Decode", name, tolerance: 2);

    /// <summary>
    /// The decoder uses libjpeg's integer arithmetic throughout, so on these files it is exact; a
    /// non-zero difference means the IDCT, upsampling or colour conversion has drifted.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void IsBitExactWithDjpeg(string name) => AssertMatchesDjpeg("Decode", name, tolerance: 0);

    /// <summary>
    /// Truncated files and damaged restart markers decode to what libjpeg recovers from them: the
    /// same resynchronisation, and mid-grey where data is missing.
    /// </summary>
    [Theory]
    [MemberData(nameof(DamagedCases))]
    public void RecoversFromDamageLikeDjpeg(string name) => AssertMatchesDjpeg("Damaged", name, tolerance: 2);

    /// <summary>
    /// A progressive file cut off before its last scans still decodes to a recognisable image.
    /// libjpeg additionally smooths the blocks of an incompletely refined image (estimating missing
    /// low-frequency coefficients from neighbouring DC values), which we do not, so the comparison
    /// is statistical: small on average, bounded everywhere.
    /// </summary>
    [Fact]
    public void DecodesTruncatedProgressiveFileCloseToDjpeg()
    {
        var expected = JpegFixtures.Reference("Damaged", TruncatedProgressive);
        var actual = JpegDecoder.Decode(JpegFixtures.Read("Damaged", TruncatedProgressive + ".jpg"));
        int max = JpegFixtures.MaxAbsDiff(expected, actual);
        double mean = 0;
        for (int i = 0; i < expected.Pixels.Length; i++) mean += Math.Abs(expected.Pixels[i] - actual.Pixels[i]);
        mean /= expected.Pixels.Length;
        output.WriteLine($"Damaged/{TruncatedProgressive}: max abs difference {max}, mean {mean:F2} (djpeg applies block smoothing)");
        Assert.True(mean < 2.0, $"mean abs difference {mean:F2}");
        Assert.True(max <= 24, $"max abs difference {max}");
    }

    /// <summary>Without an Adobe marker, component ids 'R', 'G', 'B' alone mark an RGB file (as in libjpeg).</summary>
    [Fact]
    public void TreatsComponentIdsRgbAsRgb()
    {
        var data = JpegFixtures.Read("Decode", "baseline-rgb-48x32.jpg");
        var withoutAdobe = JpegBytes.RemoveSegment(data, JpegBytes.Find(data, 0xEE));
        Assert.Equal(0, JpegFixtures.MaxAbsDiff(JpegFixtures.Reference("Decode", "baseline-rgb-48x32"), JpegDecoder.Decode(withoutAdobe)));
    }

    /// <summary>
    /// An Adobe marker with transform 1 says YCbCr, whatever the component ids. The file's samples
    /// (known from the RGB reference, all components at full resolution) must then go through the
    /// JFIF equations, evaluated here in floating point.
    /// </summary>
    [Fact]
    public void FollowsTheAdobeTransformFlag()
    {
        var data = JpegFixtures.Read("Decode", "baseline-rgb-48x32.jpg");
        var adobe = JpegBytes.Find(data, 0xEE);
        var image = JpegDecoder.Decode(JpegBytes.Patch(data, adobe.Offset + 4 + 11, 1));
        var samples = JpegFixtures.Reference("Decode", "baseline-rgb-48x32").Pixels;
        int worst = 0;
        for (int i = 0; i < samples.Length; i += 3)
        {
            double y = samples[i], cb = samples[i + 1] - 128.0, cr = samples[i + 2] - 128.0;
            double[] rgb = [y + 1.402 * cr, y - 0.344136 * cb - 0.714136 * cr, y + 1.772 * cb];
            for (int c = 0; c < 3; c++)
                worst = Math.Max(worst, Math.Abs(image.Pixels[i + c] - (int)Math.Clamp(Math.Round(rgb[c]), 0, 255)));
        }
        output.WriteLine($"YCbCr conversion vs floating point: max abs difference {worst}");
        Assert.True(worst <= 1, $"max abs difference {worst}");
    }

    private void AssertMatchesDjpeg(string sub, string name, int tolerance)
    {
        var data = JpegFixtures.Read(sub, name + ".jpg");
        var expected = JpegFixtures.Reference(sub, name);
        var actual = JpegDecoder.Decode(data);
        int diff = JpegFixtures.MaxAbsDiff(expected, actual);
        output.WriteLine($"{sub}/{name}: {actual.Width}x{actual.Height}, max abs difference from djpeg = {diff}");
        Assert.True(diff <= tolerance, $"{name}: max abs difference {diff} > {tolerance}");
    }
}
