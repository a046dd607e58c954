using RetinaSharp.Imaging;
using Xunit;
using Xunit.Abstractions;

namespace RetinaSharp.Imaging.Tests.Jpeg;

/// <summary>Every fixture decodes to within ±2 of what djpeg (libjpeg-turbo, default settings) produced.</summary>
public sealed class JpegDecodeTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases() => new(JpegFixtures.DecodeCases());

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesDjpeg(string name)
    {
        var data = JpegFixtures.Read("Decode", name + ".jpg");
        var expected = JpegFixtures.Reference("Decode", name);
        var actual = JpegDecoder.Decode(data);
        int diff = JpegFixtures.MaxAbsDiff(expected, actual);
        output.WriteLine($"{name}: {actual.Width}x{actual.Height}, max abs difference from djpeg = {diff}");
        Assert.True(diff <= 2, $"{name}: max abs difference {diff} > 2");
    }
}
