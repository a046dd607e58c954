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
