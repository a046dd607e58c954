using System.Buffers.Binary;
using RetinaSharp.Imaging.Png;
using Xunit;

namespace RetinaSharp.Imaging.Tests.Png;

public sealed class PngEncoderTests
{
    /// <summary>Half smooth gradient, half noise, so that adaptive filtering meets both kinds of rows.</summary>
    private static RgbImage TestImage(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            var row = image.Row(y);
            for (int x = 0; x < width; x++)
            {
                bool noisy = (y / 4 + x / 16) % 2 == 1;
                for (int c = 0; c < 3; c++)
                    row[3 * x + c] = noisy ? (byte)rng.Next(256) : (byte)(x * (c + 1) + y * 3);
            }
        }
        return image;
    }

    /// <summary>The filter byte of every scanline, read back through the BCL inflater.</summary>
    private static byte[] FilterTypes(byte[] png, int height, int rowBytes)
    {
        var raw = PngTestFile.Inflate(PngTestFile.Parse(png).IdatStream());
        Assert.Equal(height * (rowBytes + 1), raw.Length);
        var types = new byte[height];
        for (int y = 0; y < height; y++) types[y] = raw[y * (rowBytes + 1)];
        return types;
    }

    public static TheoryData<PngFilterStrategy, int> StrategiesAndLevels()
    {
        var data = new TheoryData<PngFilterStrategy, int>();
        foreach (var s in Enum.GetValues<PngFilterStrategy>())
            foreach (int level in new[] { 0, 1, 6, 9 }) data.Add(s, level);
        return data;
    }

    [Theory]
    [MemberData(nameof(StrategiesAndLevels))]
    public void Round_trips_through_the_decoder(PngFilterStrategy strategy, int level)
    {
        var options = new PngEncoderOptions { Filter = strategy, CompressionLevel = level };
        foreach (var (w, h) in new[] { (1, 1), (1, 37), (37, 1), (64, 48), (257, 3), (5, 30) })
        {
            var image = TestImage(w, h, w * 1000 + h);
            var png = PngEncoder.Encode(image, options);
            var back = PngDecoder.Decode(png);
            Assert.Equal((w, h), (back.Width, back.Height));
            Assert.Equal(image.Pixels, back.Pixels);
            if (strategy != PngFilterStrategy.Adaptive)
            {
                byte expected = (byte)(strategy - PngFilterStrategy.None);
                Assert.All(FilterTypes(png, h, w * 3), t => Assert.Equal(expected, t));
            }
        }
    }

    [Fact]
    public void Adaptive_filtering_picks_the_smallest_residuals()
    {
        // Horizontal ramp, identical rows: row 0 is best as Sub (residual 10 per byte), later rows as Up (all 0;
        // Paeth also gives 0 but ties go to the lower filter type).
        var ramp = new RgbImage(12, 6);
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 36; x++) ramp.Row(y)[x] = (byte)(x / 3 * 10);
        Assert.Equal(new byte[] { 1, 2, 2, 2, 2, 2 }, FilterTypes(PngEncoder.Encode(ramp), 6, 36));

        // Rows of constant value 10*y: row 0 is all zero (None); row 1 costs 30 as Sub and as Paeth (Sub wins the
        // tie); from row 2 on Sub costs 3*10*y while Paeth still costs 30.
        var steps = new RgbImage(12, 6);
        for (int y = 0; y < 6; y++) steps.Row(y).Fill((byte)(10 * y));
        Assert.Equal(new byte[] { 0, 1, 4, 4, 4, 4 }, FilterTypes(PngEncoder.Encode(steps), 6, 36));
    }

    [Fact]
    public void Chunks_are_well_formed()
    {
        var png = PngEncoder.Encode(TestImage(30, 20, 1));
        Assert.Equal(PngTestFile.Signature, png[..8]);
        // Every PNG ends with the same 12 bytes: an empty IEND and its CRC.
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82 }, png[^12..]);
        int at = 8;
        var types = new List<string>();
        while (at < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.Equal(Crc32.Compute(png.AsSpan(at + 4, 4 + length)), crc);
            types.Add(System.Text.Encoding.ASCII.GetString(png, at + 4, 4));
            at += 12 + length;
        }
        Assert.Equal(png.Length, at);
        Assert.Equal(["IHDR", "IDAT", "IEND"], types);
        Assert.Equal(PngTestFile.Ihdr(30, 20, 8, 2), PngTestFile.Parse(png).Chunks[0].Data);
    }

    [Fact]
    public void Large_images_are_split_into_several_IDAT_chunks()
    {
        var image = new RgbImage(700, 600);
        new Random(5).NextBytes(image.Pixels); // incompressible: about 1.26 MB of IDAT
        var png = PngEncoder.Encode(image, new PngEncoderOptions { CompressionLevel = 1, Filter = PngFilterStrategy.None });
        var file = PngTestFile.Parse(png);
        Assert.Equal(2, file.Chunks.Count(c => c.Type == "IDAT"));
        Assert.Equal(1 << 20, file.Chunks.First(c => c.Type == "IDAT").Data.Length);
        Assert.Equal(image.Pixels, PngDecoder.Decode(png).Pixels);
    }

    [Fact]
    public void Compression_level_trades_size()
    {
        var image = TestImage(64, 64, 3);
        var stored = PngEncoder.Encode(image, new PngEncoderOptions { CompressionLevel = 0 });
        var best = PngEncoder.Encode(image, new PngEncoderOptions { CompressionLevel = 9 });
        Assert.True(stored.Length > 64 * (1 + 64 * 3), $"level 0 should store: {stored.Length} bytes");
        Assert.True(best.Length < stored.Length * 3 / 4, $"level 9: {best.Length} bytes vs {stored.Length} stored");
        Assert.Throws<ArgumentOutOfRangeException>(() => new PngEncoderOptions { CompressionLevel = 10 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PngEncoderOptions { CompressionLevel = -1 });
    }

    [Fact]
    public void Gray_and_rgba_encode_and_decode_to_rgb()
    {
        byte[] gray = [0, 50, 100, 150, 200, 250];
        var png = PngEncoder.EncodeGray(3, 2, gray);
        Assert.Equal(PngTestFile.Ihdr(3, 2, 8, 0), PngTestFile.Parse(png).Chunks[0].Data);
        Assert.Equal(gray.SelectMany(v => new[] { v, v, v }).ToArray(), PngDecoder.Decode(png).Pixels);

        byte[] rgba = [1, 2, 3, 255, 4, 5, 6, 0, 7, 8, 9, 128, 10, 11, 12, 1];
        png = PngEncoder.EncodeRgba(2, 2, rgba);
        Assert.Equal(PngTestFile.Ihdr(2, 2, 8, 6), PngTestFile.Parse(png).Chunks[0].Data);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, PngDecoder.Decode(png).Pixels);

        Assert.Throws<ArgumentException>(() => PngEncoder.EncodeGray(3, 2, new byte[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.EncodeRgba(0, 2, []));
    }

    [Fact]
    public void ImageFile_saves_and_loads()
    {
        var image = TestImage(9, 7, 4);
        var path = Path.Combine(Path.GetTempPath(), $"retinasharp-png-{Guid.NewGuid():N}.png");
        try
        {
            ImageFile.SavePng(path, image);
            Assert.Equal(image.Pixels, ImageFile.Load(path).Pixels);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
