using System.Buffers.Binary;
using Xunit;

namespace RetinaSharp.Imaging.Tests.Png;

/// <summary>Each defect gives an <see cref="InvalidImageException"/> whose message names it.</summary>
public sealed class PngDecoderErrorTests
{
    /// <summary>A valid 4x3 8-bit RGB file: IHDR, IDAT, IEND.</summary>
    private static PngTestFile Valid()
    {
        var raw = new byte[3 * (1 + 4 * 3)];
        for (int i = 0; i < raw.Length; i++) raw[i] = (byte)(i % 13 == 0 ? 0 : i * 7);
        return PngTestFile.Create(4, 3, 8, 2, raw);
    }

    private static void AssertRejected(byte[] png, string expected, ImageDecodeOptions? options = null)
    {
        var e = Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(png, options));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_valid_base_file_decodes()
    {
        var image = PngDecoder.Decode(Valid().ToBytes());
        Assert.Equal((4, 3), (image.Width, image.Height));
        // Row 1 starts at raw offset 13 with filter byte 0; its first pixel is raw[14..17].
        Assert.Equal(new byte[] { 14 * 7 % 256, 15 * 7 % 256, 16 * 7 % 256 }, image.Pixels[12..15]);
    }

    [Fact]
    public void Short_or_foreign_input()
    {
        AssertRejected([], "File too short for a PNG (0 bytes)");
        AssertRejected([0x89, (byte)'P', (byte)'N'], "File too short");
        AssertRejected("GIF89a\0\0\0\0"u8.ToArray(), "Not a PNG file (bad signature)");
        var crlfDamaged = Valid().ToBytes();
        crlfDamaged[4] = 0x0A;
        AssertRejected(crlfDamaged, "Corrupt PNG signature");
        AssertRejected(PngTestFile.Signature, "No chunks after the PNG signature");
    }

    [Fact]
    public void Truncated_chunk_body_and_missing_IEND()
    {
        var file = Valid();
        var png = file.ToBytes();
        int idat = file.OffsetOf(file.IndexOf("IDAT"));
        AssertRejected(png[..(idat + 15)], $"Truncated IDAT chunk at offset {idat}");
        AssertRejected(png[..15], "Truncated chunk header at offset 8: 7 bytes left");
        AssertRejected(png[..20], "Truncated IHDR chunk at offset 8: it declares 13 data bytes but only 0 remain");
        int iend = file.OffsetOf(file.IndexOf("IEND"));
        AssertRejected(png[..iend], "Truncated file: no IEND chunk");
    }

    [Fact]
    public void Bad_crc_in_a_critical_chunk()
    {
        var png = Valid().ToBytes();
        png[8 + 8 + 13] ^= 1; // first CRC byte of IHDR
        AssertRejected(png, "Bad CRC in chunk IHDR at offset 8");
        png = Valid().ToBytes();
        png[8 + 8 + 2] ^= 0x40; // a bit of IHDR's height field
        AssertRejected(png, "Bad CRC in chunk IHDR");
    }

    [Fact]
    public void Bad_crc_in_an_ancillary_chunk_is_ignored()
    {
        var file = Valid();
        file.Chunks.Insert(1, ("tEXt", "a\0b"u8.ToArray()));
        var png = file.ToBytes();
        png[file.OffsetOf(2) - 1] ^= 0xFF;
        Assert.Equal(4, PngDecoder.Decode(png).Width);
    }

    [Fact]
    public void Chunk_lengths_beyond_the_input_or_the_format()
    {
        var png = Valid().ToBytes();
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(8), 0xFFFFFFFF);
        AssertRejected(png, "Chunk IHDR at offset 8 declares length 4294967295, over the PNG maximum");
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(8), 0x7FFFFFFF);
        AssertRejected(png, "Truncated IHDR chunk at offset 8: it declares 2147483647 data bytes");
    }

    [Fact]
    public void Chunk_type_must_be_letters()
    {
        var png = Valid().ToBytes();
        png[13] = (byte)'1';
        AssertRejected(png, "Invalid chunk type 0x49314452 at offset 8");
    }

    [Fact]
    public void IHDR_must_come_first_exactly_once()
    {
        var file = Valid();
        file.Chunks.Insert(0, ("tEXt", "k\0v"u8.ToArray()));
        AssertRejected(file.ToBytes(), "First chunk is tEXt, expected IHDR");
        file = Valid();
        file.Chunks.Insert(1, file.Chunks[0]);
        AssertRejected(file.ToBytes(), "Duplicate IHDR chunk at offset 33");
        file = Valid();
        file.Chunks.RemoveAt(0);
        AssertRejected(file.ToBytes(), "First chunk is IDAT, expected IHDR");
    }

    [Theory]
    [InlineData(0, 3, 8, 2, 0, 0, 0, "IHDR width 0 is out of range")]
    [InlineData(4, 0, 8, 2, 0, 0, 0, "IHDR height 0 is out of range")]
    [InlineData(0x80000000L, 3, 8, 2, 0, 0, 0, "IHDR width 2147483648 is out of range")]
    [InlineData(4, 3, 8, 5, 0, 0, 0, "Unknown PNG colour type 5")]
    [InlineData(4, 3, 16, 3, 0, 0, 0, "Bit depth 16 is not allowed for PNG colour type 3 (allowed: 1, 2, 4, 8)")]
    [InlineData(4, 3, 4, 2, 0, 0, 0, "Bit depth 4 is not allowed for PNG colour type 2 (allowed: 8, 16)")]
    [InlineData(4, 3, 3, 0, 0, 0, 0, "Bit depth 3 is not allowed for PNG colour type 0")]
    [InlineData(4, 3, 8, 2, 1, 0, 0, "Unknown PNG compression method 1")]
    [InlineData(4, 3, 8, 2, 0, 1, 0, "Unknown PNG filter method 1")]
    [InlineData(4, 3, 8, 2, 0, 0, 2, "Unknown PNG interlace method 2")]
    public void Invalid_IHDR_fields(long width, long height, int depth, int colorType, int compression, int filter, int interlace, string expected)
    {
        var file = Valid();
        file.Chunks[0] = ("IHDR", PngTestFile.Ihdr(width, height, depth, colorType, interlace, compression, filter));
        AssertRejected(file.ToBytes(), expected);
    }

    [Fact]
    public void IHDR_with_wrong_length()
    {
        var file = Valid();
        file.Chunks[0] = ("IHDR", file.Chunks[0].Data[..12]);
        AssertRejected(file.ToBytes(), "IHDR chunk has length 12, expected 13");
    }

    [Fact]
    public void Size_limits_are_checked_before_anything_is_allocated()
    {
        var file = Valid();
        file.Chunks[0] = ("IHDR", PngTestFile.Ihdr(100000, 100000, 8, 2));
        AssertRejected(file.ToBytes(), "Image 100000x100000 exceeds the 100000000-pixel limit");
        file.Chunks[0] = ("IHDR", PngTestFile.Ihdr(40000, 2, 8, 2));
        AssertRejected(file.ToBytes(), "Image 40000x2 exceeds the maximum dimension 32768");
        AssertRejected(Valid().ToBytes(), "Image 4x3 exceeds the 11-pixel limit", new ImageDecodeOptions { MaxPixels = 11 });
        AssertRejected(Valid().ToBytes(), "Image 4x3 exceeds the maximum dimension 3", new ImageDecodeOptions { MaxDimension = 3 });
    }

    [Fact]
    public void A_tiny_file_cannot_claim_a_huge_image()
    {
        var file = Valid();
        file.Chunks[0] = ("IHDR", PngTestFile.Ihdr(10000, 10000, 8, 6));
        AssertRejected(file.ToBytes(), "compressed bytes cannot hold the 400010000 bytes of a 10000x10000 image");
    }

    [Fact]
    public void Palette_rules()
    {
        var pal = PngTestFile.Create(2, 1, 8, 3, [0, 0, 1], palette: [1, 2, 3, 4, 5, 6]);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, PngDecoder.Decode(pal.ToBytes()).Pixels);

        var missing = PngTestFile.Create(2, 1, 8, 3, [0, 0, 1]);
        AssertRejected(missing.ToBytes(), "Missing PLTE chunk before IDAT in a palette image");

        var twice = PngTestFile.Create(2, 1, 8, 3, [0, 0, 1], palette: [1, 2, 3]);
        twice.Chunks.Insert(1, ("PLTE", [9, 9, 9]));
        AssertRejected(twice.ToBytes(), "Duplicate PLTE chunk at offset 48");

        var after = PngTestFile.Create(2, 1, 8, 2, [0, 1, 2, 3, 4, 5, 6]);
        after.Chunks.Insert(2, ("PLTE", [9, 9, 9]));
        AssertRejected(after.ToBytes(), "comes after IDAT");

        var gray = PngTestFile.Create(2, 1, 8, 0, [0, 1, 2], palette: [1, 2, 3]);
        AssertRejected(gray.ToBytes(), "PLTE chunk is not allowed in a grayscale image (colour type 0)");

        var odd = PngTestFile.Create(2, 1, 8, 3, [0, 0, 0], palette: [1, 2, 3, 4]);
        AssertRejected(odd.ToBytes(), "PLTE chunk length 4 is not a multiple of 3");
        var big = PngTestFile.Create(2, 1, 8, 3, [0, 0, 0], palette: new byte[771]);
        AssertRejected(big.ToBytes(), "PLTE chunk length 771");
    }

    [Fact]
    public void Unknown_critical_chunks_are_refused_and_ancillary_ones_skipped()
    {
        var file = Valid();
        file.Chunks.Insert(1, ("zzZz", [1, 2, 3]));
        Assert.Equal(4, PngDecoder.Decode(file.ToBytes()).Width);
        file.Chunks.Insert(1, ("ABCD", [1, 2, 3]));
        AssertRejected(file.ToBytes(), "Unknown critical chunk ABCD at offset 33");
    }

    [Fact]
    public void IDAT_must_exist_and_be_consecutive()
    {
        var file = Valid();
        file.Chunks.RemoveAt(1);
        AssertRejected(file.ToBytes(), "No IDAT chunk");

        file = Valid();
        var z = file.IdatStream();
        file.Chunks.RemoveAt(1);
        file.Chunks.Insert(1, ("IDAT", z[..5]));
        file.Chunks.Insert(2, ("tEXt", "k\0v"u8.ToArray()));
        file.Chunks.Insert(3, ("IDAT", z[5..]));
        AssertRejected(file.ToBytes(), "IDAT chunks are not consecutive");

        file.Chunks.RemoveAt(2); // split but consecutive IDATs are fine
        Assert.Equal(PngDecoder.Decode(Valid().ToBytes()).Pixels, PngDecoder.Decode(file.ToBytes()).Pixels);
    }

    [Fact]
    public void Truncated_image_data()
    {
        var file = Valid();
        var raw = PngTestFile.Inflate(file.IdatStream());
        file.ReplaceIdat(PngTestFile.Deflate(raw[..^5]));
        AssertRejected(file.ToBytes(), $"Truncated IDAT: the image data ends after {raw.Length - 5} of {raw.Length} bytes");

        file = Valid();
        var z = file.IdatStream();
        file.ReplaceIdat(z[..(z.Length / 2)]);
        var e = Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(file.ToBytes()));
        Assert.Matches("Truncated IDAT|Corrupt zlib data in IDAT", e.Message);
    }

    [Fact]
    public void Corrupt_zlib_stream()
    {
        var file = Valid();
        var z = file.IdatStream();
        z[0] = 0x78;
        z[1] = 0x00; // header check bits no longer make 0x7800 a multiple of 31
        file.ReplaceIdat(z);
        AssertRejected(file.ToBytes(), "IDAT zlib header check failed (bytes 0x78 0x00)");

        file = Valid();
        z = file.IdatStream();
        (z[0], z[1]) = (0x77, 0x09); // method 7, with valid check bits (0x7709 = 31 * 983)
        file.ReplaceIdat(z);
        AssertRejected(file.ToBytes(), "IDAT zlib stream uses compression method 7, not deflate (8)");

        file = Valid();
        z = file.IdatStream();
        (z[0], z[1]) = (0x78, 0xBB); // FDICT set, valid check bits (0x78BB = 31 * 997)
        file.ReplaceIdat(z);
        AssertRejected(file.ToBytes(), "asks for a preset dictionary");

        file = Valid();
        z = file.IdatStream();
        z[2] |= 0x06; // block type 3, which deflate reserves
        file.ReplaceIdat(z);
        AssertRejected(file.ToBytes(), "Corrupt zlib data in IDAT");
    }

    [Fact]
    public void Invalid_filter_type_names_the_row()
    {
        var file = Valid();
        var raw = PngTestFile.Inflate(file.IdatStream());
        raw[13] = 5;
        file.ReplaceIdat(PngTestFile.Deflate(raw));
        AssertRejected(file.ToBytes(), "Invalid filter type 5 on row 1 (must be 0 to 4)");

        // 3x2 interlaced gray: passes 1, 4 and 6 hold one pixel each, pass 7 the second row; 2, 3 and 5 are empty.
        byte[] interlaced = [0, 1, 0, 2, 9, 3, 0, 4, 5, 6];
        var png = PngTestFile.Create(3, 2, 8, 0, interlaced, interlaced: true).ToBytes();
        AssertRejected(png, "Invalid filter type 9 on row 0 of Adam7 pass 6");
    }
}
