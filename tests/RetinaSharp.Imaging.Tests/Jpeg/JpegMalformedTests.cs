using RetinaSharp.Imaging;
using Xunit;

namespace RetinaSharp.Imaging.Tests.Jpeg;

/// <summary>
/// Malformed files fail with an <see cref="InvalidImageException"/> whose message says what is wrong;
/// harmless irregularities that libjpeg tolerates decode to the same pixels as the clean file.
/// </summary>
public sealed class JpegMalformedTests
{
    private static readonly byte[] Baseline = JpegFixtures.Read("Decode", "baseline-420-64x48.jpg");
    private static readonly byte[] Gray = JpegFixtures.Read("Decode", "baseline-gray-64x48.jpg");
    private static readonly byte[] Progressive = JpegFixtures.Read("Decode", "progressive-420-64x48.jpg");

    private static string Error(byte[] data, ImageDecodeOptions? options = null) =>
        Assert.Throws<InvalidImageException>(() => JpegDecoder.Decode(data, options)).Message;

    private static void AssertDecodesLike(string fixture, byte[] data)
    {
        var expected = JpegFixtures.Reference("Decode", fixture);
        Assert.Equal(0, JpegFixtures.MaxAbsDiff(expected, JpegDecoder.Decode(data)));
    }

    // --- Structure -------------------------------------------------------------------------

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' })]
    [InlineData(new byte[] { 0xFF, 0xD9, 0xFF, 0xD8 })]
    public void RequiresSoiAtTheStart(byte[] data) => Assert.Contains("does not start with an SOI marker", Error(data));

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8 })]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 })]
    public void RequiresAFrameHeader(byte[] data) => Assert.Contains("no frame header (SOF marker)", Error(data));

    [Fact]
    public void RequiresTheFrameHeaderBeforeTheScan()
    {
        var data = JpegBytes.RemoveSegment(Baseline, JpegBytes.Find(Baseline, 0xC0));
        Assert.Contains("SOS marker before the frame header", Error(data));
    }

    [Fact]
    public void RequiresAScan()
    {
        var sos = JpegBytes.Find(Baseline, 0xDA);
        byte[] data = [.. Baseline.AsSpan(0, sos.Offset), 0xFF, 0xD9];
        Assert.Contains("no image data (no SOS marker)", Error(data));
        Assert.Contains("no image data (no SOS marker)", Error(Baseline[..sos.Offset]));
    }

    [Fact]
    public void RefusesASecondSoi() =>
        Assert.Contains("Second SOI marker", Error(JpegBytes.Insert(Baseline, 2, 0xFF, 0xD8)));

    [Fact]
    public void RefusesASecondFrameHeader()
    {
        var sof = JpegBytes.Find(Baseline, 0xC0);
        var data = JpegBytes.Insert(Baseline, sof.Offset, Baseline[sof.Offset..(sof.Offset + sof.Length)]);
        Assert.Contains("more than one frame header", Error(data));
    }

    [Fact]
    public void RefusesUnknownMarkers() =>
        Assert.Contains("Unknown JPEG marker FF 02", Error(JpegBytes.Insert(Baseline, 2, JpegBytes.MakeSegment(0x02, 1, 2, 3))));

    [Fact]
    public void RefusesASegmentLongerThanTheFile()
    {
        var dqt = JpegBytes.Find(Baseline, 0xDB);
        var message = Error(Baseline[..(dqt.Offset + 30)]);
        Assert.Contains($"DQT segment at offset {dqt.Offset} has length 67", message);
        Assert.Contains("ends inside the DQT marker", Error(Baseline[..(dqt.Offset + 3)]));
    }

    // --- Frame header ----------------------------------------------------------------------

    [Fact]
    public void RefusesAComponentCountThatDoesNotMatchTheSegmentLength()
    {
        var sof = JpegBytes.Find(Gray, 0xC0);
        Assert.Contains("SOF segment has 9 bytes of parameters; 15 expected for 3 components", Error(JpegBytes.Patch(Gray, sof.Offset + 9, 3)));
    }

    [Theory]
    [InlineData(5, new byte[] { 0, 0 }, "image height 0")]
    [InlineData(7, new byte[] { 0, 0 }, "image width of 0")]
    [InlineData(13, new byte[] { 1 }, "lists component id 1 twice")]
    [InlineData(11, new byte[] { 0x01 }, "invalid sampling factors 0x1")]
    [InlineData(12, new byte[] { 4 }, "refers to quantization table 4; only 0 to 3 exist")]
    public void RefusesBadFrameHeaderFields(int offset, byte[] bytes, string expected)
    {
        var sof = JpegBytes.Find(Baseline, 0xC0);
        Assert.Contains(expected, Error(JpegBytes.Patch(Baseline, sof.Offset + offset, bytes)));
    }

    [Fact]
    public void HeightZeroMessageMentionsDnl()
    {
        var sof = JpegBytes.Find(Baseline, 0xC0);
        Assert.Contains("DNL", Error(JpegBytes.Patch(Baseline, sof.Offset + 5, 0, 0)));
    }

    [Fact]
    public void ChecksDeclaredSizeAgainstTheOptions()
    {
        Assert.Contains("64x48, larger than the limit of 63 pixels per side", Error(Baseline, new ImageDecodeOptions { MaxDimension = 63 }));
        Assert.Contains("64x48 = 3072 pixels, more than the limit of 3000", Error(Baseline, new ImageDecodeOptions { MaxPixels = 3000 }));
        Assert.Equal(64, JpegDecoder.Decode(Baseline, new ImageDecodeOptions { MaxDimension = 64, MaxPixels = 3072 }).Width);

        var sof = JpegBytes.Find(Baseline, 0xC0);
        Assert.Contains("65535x65535, larger than the limit of 32768", Error(JpegBytes.Patch(Baseline, sof.Offset + 5, 0xFF, 0xFF, 0xFF, 0xFF)));
        Assert.Contains("30000x30000 = 900000000 pixels, more than the limit of 100000000",
            Error(JpegBytes.Patch(Baseline, sof.Offset + 5, 0x75, 0x30, 0x75, 0x30)));
    }

    [Fact]
    public void RefusesSizesNoArrayCanHoldEvenWithoutLimits()
    {
        var sof = JpegBytes.Find(Baseline, 0xC0);
        var unlimited = new ImageDecodeOptions { MaxDimension = 65535, MaxPixels = long.MaxValue };
        Assert.Contains("65535x65535, too large to hold in memory", Error(JpegBytes.Patch(Baseline, sof.Offset + 5, 0xFF, 0xFF, 0xFF, 0xFF), unlimited));
    }

    /// <summary>
    /// A few kilobytes cannot hold a 20000×20000 image (each 8×8 block costs at least one bit), so the
    /// decoder refuses it before allocating the hundreds of megabytes such an image would need.
    /// </summary>
    [Fact]
    public void RefusesADeclaredSizeTheFileCannotHoldBeforeAllocating()
    {
        var sof = JpegBytes.Find(Baseline, 0xC0);
        var data = JpegBytes.Patch(Baseline, sof.Offset + 5, 0x4E, 0x20, 0x4E, 0x20);
        var unlimited = new ImageDecodeOptions { MaxDimension = 65535, MaxPixels = long.MaxValue };
        JpegDecoder.Decode(Baseline, unlimited);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var message = Error(data, unlimited);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("too short for a 20000x20000 image", message);
        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes before refusing");
    }

    // --- Tables ----------------------------------------------------------------------------

    private static byte[] WithTable(byte code, params byte[] payload) => JpegBytes.Insert(Baseline, 2, JpegBytes.MakeSegment(code, payload));

    private static byte[] HuffmanTable(byte classAndId, byte[] counts, params byte[] symbols) => [classAndId, .. counts, .. symbols];

    private static byte[] Counts(params (int Length, byte Count)[] entries)
    {
        var counts = new byte[16];
        foreach (var (length, count) in entries) counts[length - 1] = count;
        return counts;
    }

    [Fact]
    public void RefusesOverSubscribedHuffmanTables()
    {
        var message = Error(WithTable(0xC4, HuffmanTable(0x00, Counts((1, 3)), 0, 1, 2)));
        Assert.Contains("Huffman table (DC 0) is over-subscribed: 3 codes of length 1", message);
        message = Error(WithTable(0xC4, HuffmanTable(0x11, Counts((2, 2), (3, 5)), 1, 2, 3, 4, 5, 6, 7)));
        Assert.Contains("Huffman table (AC 1) is over-subscribed: 5 codes of length 3", message);
    }

    [Fact]
    public void RefusesHuffmanTablesUsingTheAllOnesCode() =>
        Assert.Contains("all-ones code is reserved", Error(WithTable(0xC4, HuffmanTable(0x00, Counts((1, 2)), 0, 1))));

    [Fact]
    public void RefusesImpossibleDcCategories() =>
        Assert.Contains("DC magnitude category 16", Error(WithTable(0xC4, HuffmanTable(0x01, Counts((2, 2)), 3, 16))));

    [Fact]
    public void RefusesHuffmanTablesWithTooManyCodes()
    {
        var symbols = new byte[300];
        Assert.Contains("defines 300 codes; at most 256", Error(WithTable(0xC4, HuffmanTable(0x10, Counts((15, 45), (16, 255)), symbols))));
    }

    [Theory]
    [InlineData(0x20, "table class 2")]
    [InlineData(0x04, "id 4")]
    public void RefusesBadHuffmanTableIds(byte classAndId, string expected) =>
        Assert.Contains(expected, Error(WithTable(0xC4, HuffmanTable(classAndId, Counts((1, 1)), 0))));

    [Fact]
    public void RefusesTruncatedHuffmanTables()
    {
        Assert.Contains("declares 5 codes but the DHT segment ends after 2", Error(WithTable(0xC4, HuffmanTable(0x00, Counts((3, 5)), 0, 1))));
        Assert.Contains("DHT segment ends inside a table header", Error(WithTable(0xC4, 0x00, 0, 1, 0, 0)));
    }

    [Fact]
    public void RefusesBadQuantizationTables()
    {
        Assert.Contains("precision code 2", Error(WithTable(0xDB, [0x20, .. new byte[128]])));
        Assert.Contains("table id 4", Error(WithTable(0xDB, [0x04, .. new byte[64]])));
        Assert.Contains("DQT segment ends inside quantization table 1", Error(WithTable(0xDB, [0x01, .. new byte[40]])));
    }

    [Fact]
    public void RefusesARestartIntervalOfTheWrongLength() =>
        Assert.Contains("DRI segment has 3 bytes of parameters; 2 expected", Error(WithTable(0xDD, 0, 4, 0)));

    // --- Scan header -----------------------------------------------------------------------

    [Theory]
    [InlineData(5, new byte[] { 9 }, "SOS refers to component id 9, which the frame header does not declare")]
    [InlineData(7, new byte[] { 1 }, "SOS lists component id 1 twice")]
    [InlineData(4, new byte[] { 0 }, "SOS lists 0 components; the frame has 3")]
    [InlineData(4, new byte[] { 4 }, "SOS lists 4 components; the frame has 3")]
    [InlineData(4, new byte[] { 2 }, "SOS segment has 10 bytes of parameters; 8 expected for 2 components")]
    [InlineData(8, new byte[] { 0x22 }, "Component 2 uses DC Huffman table 2, which is not defined")]
    [InlineData(8, new byte[] { 0x13 }, "Component 2 uses AC Huffman table 3, which is not defined")]
    [InlineData(6, new byte[] { 0x40 }, "SOS assigns DC Huffman table 4 to component 1")]
    public void RefusesBadScanHeaders(int offset, byte[] bytes, string expected)
    {
        var sos = JpegBytes.Find(Baseline, 0xDA);
        Assert.Contains(expected, Error(JpegBytes.Patch(Baseline, sos.Offset + offset, bytes)));
    }

    [Fact]
    public void RefusesAComponentWhoseQuantizationTableIsUndefined()
    {
        var sof = JpegBytes.Find(Baseline, 0xC0);
        Assert.Contains("Component 2 uses quantization table 2, which is not defined", Error(JpegBytes.Patch(Baseline, sof.Offset + 15, 2)));
    }

    /// <summary>The first progressive scan is an interleaved DC scan; the second an AC scan of Y (1-5, Al=2).</summary>
    [Theory]
    [InlineData(0, 12, new byte[] { 5 }, "mixes DC and AC coefficients (Ss=0, Se=5)")]
    [InlineData(0, 11, new byte[] { 1, 5 }, "AC scans hold exactly one")]
    [InlineData(1, 7, new byte[] { 5, 1 }, "invalid spectral band Ss=5, Se=1")]
    [InlineData(1, 8, new byte[] { 64 }, "invalid spectral band Ss=1, Se=64")]
    [InlineData(1, 9, new byte[] { 0x20 }, "inconsistent bit positions Ah=2, Al=0")]
    [InlineData(1, 9, new byte[] { 0x0E }, "bit position Al=14")]
    public void RefusesBadProgressionParameters(int scan, int offset, byte[] bytes, string expected)
    {
        var sos = JpegBytes.Find(Progressive, 0xDA, scan);
        Assert.Contains(expected, Error(JpegBytes.Patch(Progressive, sos.Offset + offset, bytes)));
    }

    /// <summary>
    /// A hand-made 8×8 progressive grayscale file of N identical DC scans: 500 scans decode (to flat
    /// mid-grey, since every DC difference is 0), 501 are refused.
    /// </summary>
    [Fact]
    public void LimitsTheNumberOfScans()
    {
        static byte[] File(int scans)
        {
            var data = new List<byte> { 0xFF, 0xD8 };
            data.AddRange(JpegBytes.MakeSegment(0xDB, [0x00, .. Enumerable.Repeat((byte)1, 64)]));
            data.AddRange(JpegBytes.MakeSegment(0xC2, 8, 0, 8, 0, 8, 1, 1, 0x11, 0));
            data.AddRange(JpegBytes.MakeSegment(0xC4, [0x00, .. Counts((1, 1)), 0]));
            for (int i = 0; i < scans; i++)
            {
                data.AddRange(JpegBytes.MakeSegment(0xDA, 1, 1, 0x00, 0, 0, 0));
                data.Add(0x00);
            }
            data.AddRange([0xFF, 0xD9]);
            return [.. data];
        }
        var image = JpegDecoder.Decode(File(500));
        Assert.All(image.Pixels, p => Assert.Equal(128, p));
        Assert.Contains("more than 500 scans", Error(File(501)));
    }

    // --- Tolerated irregularities ----------------------------------------------------------

    [Fact]
    public void SkipsStrayBytesAndFillBytesBetweenSegments()
    {
        var sof = JpegBytes.Find(Baseline, 0xC0);
        AssertDecodesLike("baseline-420-64x48", JpegBytes.Insert(Baseline, sof.Offset, 0x00, 0x11, 0x22));
        AssertDecodesLike("baseline-420-64x48", JpegBytes.Insert(Baseline, sof.Offset, 0xFF, 0xFF, 0xFF));
    }

    [Fact]
    public void IgnoresCommentsUnknownApplicationSegmentsAndDataAfterEoi()
    {
        var com = JpegBytes.MakeSegment(0xFE, "made by hand"u8.ToArray());
        var app = JpegBytes.MakeSegment(0xE7, 1, 2, 3, 4);
        AssertDecodesLike("baseline-420-64x48", JpegBytes.Insert(JpegBytes.Insert(Baseline, 2, com), 2, app));
        AssertDecodesLike("baseline-420-64x48", [.. Baseline, 0x12, 0x34, 0xFF, 0xD8, 0x00]);
    }

    [Fact]
    public void IgnoresNonstandardSequentialScanParameters()
    {
        // Some encoders write zeros for Ss, Se and Ah/Al in sequential scans; libjpeg accepts them.
        var sos = JpegBytes.Find(Baseline, 0xDA);
        AssertDecodesLike("baseline-420-64x48", JpegBytes.Patch(Baseline, sos.Offset + 11, 0, 0, 0));
    }

    /// <summary>
    /// Coefficients are dequantised with the table in force at each component's first scan, so a
    /// DQT that redefines every table after the first progressive scan changes nothing (as in libjpeg).
    /// </summary>
    [Fact]
    public void LatchesQuantizationTablesAtEachComponentsFirstScan()
    {
        var second = JpegBytes.Find(Progressive, 0xDA, 1);
        var junk = new List<byte>();
        for (byte id = 0; id < 4; id++) junk.AddRange([id, .. Enumerable.Repeat((byte)99, 64)]);
        var data = JpegBytes.Insert(Progressive, second.Offset, JpegBytes.MakeSegment(0xDB, [.. junk]));
        AssertDecodesLike("progressive-420-64x48", data);
    }
}
