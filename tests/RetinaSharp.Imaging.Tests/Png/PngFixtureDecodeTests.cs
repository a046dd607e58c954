using Xunit;

namespace RetinaSharp.Imaging.Tests.Png;

/// <summary>Decodes the files from tools/make_png_fixtures.py and compares with the numpy-computed RGB bytes.</summary>
public sealed class PngFixtureDecodeTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _, _) in FixturePaths.PngManifest()) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decodes_fixture_to_expected_rgb(string name)
    {
        var (_, width, height) = FixturePaths.PngManifest().Single(e => e.Name == name);
        var image = PngDecoder.Decode(FixturePaths.Png(name));
        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        var expected = FixturePaths.ExpectedRgb(name);
        int firstDifference = image.Pixels.AsSpan().CommonPrefixLength(expected);
        Assert.True(expected.AsSpan().SequenceEqual(image.Pixels), $"{name}: first differing byte at {firstDifference} of {expected.Length}");
    }

    [Fact]
    public void Manifest_covers_every_colour_type_and_depth_plain_and_interlaced()
    {
        var names = FixturePaths.PngManifest().Select(e => e.Name).ToHashSet();
        string[] combos = ["gray1", "gray2", "gray4", "gray8", "gray16", "rgb8", "rgb16", "pal1", "pal2", "pal4", "pal8", "ga8", "ga16", "rgba8", "rgba16"];
        foreach (var c in combos)
        {
            Assert.Contains(c, names);
            Assert.Contains(c + "_adam7", names);
        }
        Assert.Contains("pal8_trns_pil", names);
        Assert.Contains("rgb8_multi_idat", names);
    }

    [Fact]
    public void ImageFile_dispatches_png_by_signature()
    {
        var image = ImageFile.Decode(FixturePaths.Png("rgb8_pil"));
        Assert.Equal(FixturePaths.ExpectedRgb("rgb8_pil"), image.Pixels);
    }

    [Fact]
    public void Sixteen_bit_samples_keep_the_high_byte()
    {
        // 16-bit gray, one row of 0x12FF, 0xAB00, 0x0080 -> 0x12, 0xAB, 0x00 (v >> 8, not rounding).
        byte[] raw = [0, 0x12, 0xFF, 0xAB, 0x00, 0x00, 0x80];
        var png = PngTestFile.Create(3, 1, 16, 0, raw).ToBytes();
        var image = PngDecoder.Decode(png);
        Assert.Equal(new byte[] { 0x12, 0x12, 0x12, 0xAB, 0xAB, 0xAB, 0, 0, 0 }, image.Pixels);
    }

    [Fact]
    public void Adam7_places_each_pass_by_hand()
    {
        // 3x2 gray: pass 1 is (0,0), pass 4 is (2,0), pass 6 is (1,0), pass 7 is row 1; passes 2, 3, 5 are empty
        // and so have no filter bytes at all.
        byte[] raw = [0, 10, 0, 20, 0, 30, 0, 40, 50, 60];
        var image = PngDecoder.Decode(PngTestFile.Create(3, 2, 8, 0, raw, interlaced: true).ToBytes());
        byte[] gray = [10, 30, 20, 40, 50, 60];
        Assert.Equal(gray.SelectMany(v => new[] { v, v, v }).ToArray(), image.Pixels);
    }

    [Fact]
    public void Palette_index_past_the_end_of_PLTE_reads_black()
    {
        // 8-bit palette with two entries; the second pixel uses index 7.
        byte[] raw = [0, 1, 7];
        var png = PngTestFile.Create(2, 1, 8, 3, raw, palette: [10, 20, 30, 40, 50, 60]).ToBytes();
        Assert.Equal(new byte[] { 40, 50, 60, 0, 0, 0 }, PngDecoder.Decode(png).Pixels);
    }

    [Fact]
    public void Data_after_IEND_and_extra_compressed_data_are_ignored()
    {
        var file = PngTestFile.Create(2, 1, 8, 0, [0, 5, 6, 0, 9, 9]); // one scanline too many
        var png = file.ToBytes().Concat(new byte[] { 1, 2, 3 }).ToArray();
        Assert.Equal(new byte[] { 5, 5, 5, 6, 6, 6 }, PngDecoder.Decode(png).Pixels);
    }
}
