using System.Diagnostics;
using RetinaSharp.Imaging;
using Xunit;
using Xunit.Abstractions;

namespace RetinaSharp.Imaging.Tests.Jpeg;

public sealed class JpegSpeedTests(ITestOutputHelper output)
{
    /// <summary>
    /// A 640×480 4:2:0 photo decodes correctly (against the rows of djpeg's output kept in the
    /// fixture); the decode times are printed for information. Speed is asserted nowhere: a busy
    /// machine would make such a bound fail for no fault of the code (benchmarks measure it).
    /// </summary>
    [Fact]
    public void Decodes640x480PhotoLikeDjpegAndPrintsTheTime()
    {
        var data = JpegFixtures.Read("Speed", "photo-640x480.jpg");
        var strip = JpegFixtures.ReadPnm(JpegFixtures.Read("Speed", "photo-640x480.strip.ppm"));
        var image = JpegDecoder.Decode(data);
        Assert.Equal((640, 480), (image.Width, image.Height));
        int[] rows = [0, 1, 2, 3, 476, 477, 478, 479];
        int maxDiff = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            var expected = strip.Row(i);
            var actual = image.Row(rows[i]);
            for (int x = 0; x < expected.Length; x++) maxDiff = Math.Max(maxDiff, Math.Abs(expected[x] - actual[x]));
        }
        Assert.True(maxDiff <= 2, $"max abs difference {maxDiff} from djpeg");

        // Let the JIT reach its optimised code first, as it does in a long dataset run.
        var warmup = Stopwatch.StartNew();
        while (warmup.ElapsedMilliseconds < 500) JpegDecoder.Decode(data);
        var times = new double[30];
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            JpegDecoder.Decode(data);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        double median = times[times.Length / 2];
        output.WriteLine($"640x480 baseline 4:2:0 ({data.Length} bytes): best {times[0]:F2} ms, median {median:F2} ms; max abs difference from djpeg {maxDiff}");
    }
}
