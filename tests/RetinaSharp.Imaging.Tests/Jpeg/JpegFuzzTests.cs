using System.Diagnostics;
using RetinaSharp.Imaging;
using Xunit;
using Xunit.Abstractions;

namespace RetinaSharp.Imaging.Tests.Jpeg;

/// <summary>
/// Bounded mutation fuzzing: thousands of damaged variants of valid files (baseline, progressive,
/// restart intervals, 4:2:0, grayscale, non-interleaved). Each must either decode to a well-formed
/// image, allocating no more than the documented bound for its size, or fail with an
/// <see cref="InvalidImageException"/>, and each must finish quickly. The mutations are
/// deterministic (fixed seeds), so a failure reproduces.
/// </summary>
public sealed class JpegFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Seeds =
    [
        "baseline-420-64x48",
        "baseline-420-restart-rows-61x37",
        "baseline-422-restart-blocks-61x37",
        "baseline-gray-33x17",
        "baseline-noninterleaved-48x32",
        "baseline-mixed-sampling-33x17",
        "progressive-420-61x37",
        "progressive-420-restart-61x37",
        "progressive-script-61x37",
    ];

    private const int MutationsPerSeed = 700;
    private static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(1);

    private static readonly ImageDecodeOptions Options = new() { MaxDimension = 4096, MaxPixels = 1 << 20 };

    [Fact]
    public async Task MutatedFilesDecodeOrFailCleanly()
    {
        var run = Task.Run(Fuzz);
        var first = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(120)));
        Assert.True(first == run, "fuzzing did not finish in time: some input makes the decoder hang");
        var (decoded, refused, slowest, failures) = await run;
        output.WriteLine($"{decoded} mutated files decoded, {refused} refused, slowest {slowest.TotalMilliseconds:F1} ms");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.Equal(Seeds.Length * MutationsPerSeed, decoded + refused);
        // Both outcomes must actually occur, or the mutations are not exercising the decoder.
        Assert.True(decoded > 500 && refused > 500, $"decoded {decoded}, refused {refused}");
    }

    private static (int Decoded, int Refused, TimeSpan Slowest, List<string> Failures) Fuzz()
    {
        int decoded = 0, refused = 0;
        var slowest = TimeSpan.Zero;
        var failures = new List<string>();
        for (int s = 0; s < Seeds.Length; s++)
        {
            var original = JpegFixtures.Read("Decode", Seeds[s] + ".jpg");
            var segments = JpegBytes.Segments(original);
            var random = new Random(1000 + s);
            JpegDecoder.Decode(original, Options);   // warm the pool so allocation counts are the decoder's own
            for (int i = 0; i < MutationsPerSeed; i++)
            {
                var input = Mutate(original, segments, random);
                long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                long start = Stopwatch.GetTimestamp();
                try
                {
                    var image = JpegDecoder.Decode(input, Options);
                    long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                    long bound = 24L * (image.Width + 16) * (image.Height + 16) + 256 * 1024;
                    if (image.Width > Options.MaxDimension || image.Height > Options.MaxDimension || image.Pixels.Length != image.Width * image.Height * 3)
                        failures.Add($"{Seeds[s]} #{i}: malformed result {image.Width}x{image.Height}");
                    else if (allocated > bound)
                        failures.Add($"{Seeds[s]} #{i}: allocated {allocated} bytes for {image.Width}x{image.Height} (bound {bound})");
                    decoded++;
                }
                catch (InvalidImageException e)
                {
                    if (string.IsNullOrWhiteSpace(e.Message)) failures.Add($"{Seeds[s]} #{i}: exception without a message");
                    refused++;
                }
                catch (Exception e)
                {
                    failures.Add($"{Seeds[s]} #{i}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                    refused++;
                }
                var elapsed = Stopwatch.GetElapsedTime(start);
                if (elapsed > slowest) slowest = elapsed;
                if (elapsed > PerInputLimit) failures.Add($"{Seeds[s]} #{i}: took {elapsed.TotalMilliseconds:F0} ms");
            }
        }
        return (decoded, refused, slowest, failures);
    }

    private static byte[] Mutate(byte[] original, List<JpegBytes.Segment> segments, Random random)
    {
        var data = original;
        int rounds = random.Next(10) == 0 ? random.Next(2, 5) : 1;
        for (int r = 0; r < rounds; r++) data = MutateOnce(data, segments, random);
        return data;
    }

    private static byte[] MutateOnce(byte[] d, List<JpegBytes.Segment> segments, Random random)
    {
        // Segment positions refer to the original file; they are only used while the length is unchanged.
        bool layoutIntact = d.Length == segments[^1].Offset + segments[^1].Length || segments[^1].Code != 0xD9;
        int kind = random.Next(12);
        if (!layoutIntact && kind is 4 or 5 or 6 or 9) kind = 1;
        switch (kind)
        {
            case 0: // truncation
                return d[..random.Next(d.Length)];
            case 1: // bit flips
            {
                var copy = (byte[])d.Clone();
                int flips = random.Next(1, 9);
                for (int i = 0; i < flips; i++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                return copy;
            }
            case 2: // random bytes
            {
                var copy = (byte[])d.Clone();
                int count = random.Next(1, 5);
                for (int i = 0; i < count; i++) copy[random.Next(copy.Length)] = (byte)random.Next(256);
                return copy;
            }
            case 3: // marker-like bytes
            {
                var copy = (byte[])d.Clone();
                copy[random.Next(copy.Length)] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00;
                return copy;
            }
            case 4: // frame size, often huge or zero
            {
                var sof = segments.First(s => s.Code is >= 0xC0 and <= 0xC2);
                int height = random.Next(4) switch { 0 => 0, 1 => random.Next(65536), 2 => 65535, _ => random.Next(1, 200) };
                int width = random.Next(4) switch { 0 => 0, 1 => random.Next(65536), 2 => 65535, _ => random.Next(1, 200) };
                return JpegBytes.Patch(d, sof.Offset + 5, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width);
            }
            case 5: // a header segment's contents or length (DHT, DQT, SOF, SOS, DRI)
            {
                var header = segments.Where(s => s.Code is 0xC4 or 0xDB or 0xC0 or 0xC1 or 0xC2 or 0xDA or 0xDD).ToList();
                var seg = header[random.Next(header.Count)];
                var copy = (byte[])d.Clone();
                int count = random.Next(1, 4);
                for (int i = 0; i < count; i++) copy[seg.Offset + 2 + random.Next(seg.Length - 2)] = (byte)random.Next(256);
                return copy;
            }
            case 6: // a whole segment deleted
            {
                var seg = segments[random.Next(segments.Count)];
                return JpegBytes.RemoveSegment(d, seg);
            }
            case 7: // a range of bytes deleted
            {
                int at = random.Next(d.Length);
                return JpegBytes.Remove(d, at, Math.Min(d.Length - at, random.Next(1, 65)));
            }
            case 8: // random bytes inserted
            {
                var bytes = new byte[random.Next(1, 17)];
                random.NextBytes(bytes);
                return JpegBytes.Insert(d, random.Next(d.Length), bytes);
            }
            case 9: // a segment duplicated
            {
                var seg = segments[random.Next(segments.Count)];
                return JpegBytes.Insert(d, seg.Offset, d[seg.Offset..(seg.Offset + seg.Length)]);
            }
            case 10: // a marker dropped into the data
                return JpegBytes.Insert(d, random.Next(2, d.Length), 0xFF, (byte)random.Next(1, 255));
            default: // random garbage after a valid start
            {
                var bytes = new byte[random.Next(4, 600)];
                random.NextBytes(bytes);
                return [0xFF, 0xD8, 0xFF, .. bytes];
            }
        }
    }
}
