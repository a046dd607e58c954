using System.Buffers.Binary;
using Xunit;

namespace RetinaSharp.Imaging.Tests.Png;

/// <summary>
/// Bounded, deterministic mutation fuzzing: thousands of damaged variants of valid files must each decode to a
/// valid image or raise <see cref="InvalidImageException"/>, quickly. Valid-preserving edits (IDAT splits,
/// extra ancillary chunks) must decode to the original pixels.
/// </summary>
public sealed class PngDecoderFuzzTests
{
    private static readonly ImageDecodeOptions Tight = new() { MaxPixels = 1 << 20, MaxDimension = 1 << 12 };

    private static readonly string[] FixtureSeeds =
        ["gray2", "rgb16_trns_adam7", "pal4_short_trns_adam7", "rgb8_multi_idat", "gray1_pil", "pal8_trns_pil", "ga16_5x9_adam7", "rgba16"];

    private static List<(string Name, byte[] Png)> Seeds()
    {
        var seeds = new List<(string, byte[])>();
        var image = new RgbImage(23, 17);
        var rng = new Random(99);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)(i % 69 < 40 ? i / 7 : rng.Next(256));
        seeds.Add(("encoder-rgb", PngEncoder.Encode(image)));
        var gray = new byte[9 * 5];
        rng.NextBytes(gray);
        seeds.Add(("encoder-gray", PngEncoder.EncodeGray(9, 5, gray, new PngEncoderOptions { Filter = PngFilterStrategy.Paeth })));
        foreach (var name in FixtureSeeds) seeds.Add((name, FixturePaths.Png(name)));
        return seeds;
    }

    /// <summary>Every fourth input runs with the default limits, the rest with tight ones.</summary>
    private static ImageDecodeOptions OptionsFor(int i) => i % 4 == 0 ? ImageDecodeOptions.Default : Tight;

    [Fact]
    public void Truncated_at_every_offset()
    {
        var harness = new PngFuzzHarness();
        foreach (var (name, png) in Seeds())
        {
            int step = png.Length <= 1500 ? 1 : 3;
            for (int cut = 0; cut < png.Length; cut += step)
                harness.Check($"{name} cut at {cut}", png[..cut], OptionsFor(cut));
        }
        harness.AssertClean(3000);
    }

    [Fact]
    public void Random_bit_flips_and_byte_overwrites()
    {
        var harness = new PngFuzzHarness();
        var rng = new Random(1);
        var seeds = Seeds();
        byte[] interesting = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE];
        for (int i = 0; i < 2400; i++)
        {
            var (name, png) = seeds[i % seeds.Count];
            var file = PngTestFile.Parse(png);
            bool fixCrc = i % 2 == 0;
            byte[] mutated;
            string what;
            if (fixCrc)
            {
                // Damage inside one chunk and recompute its CRC, so the damage reaches the parser and the pixel path.
                int c = rng.Next(file.Chunks.Count);
                var data = (byte[])file.Chunks[c].Data.Clone();
                if (data.Length == 0) continue;
                int edits = 1 + rng.Next(4);
                for (int e = 0; e < edits; e++) Damage(data, rng, interesting);
                file.Chunks[c] = (file.Chunks[c].Type, data);
                mutated = file.ToBytes();
                what = $"{name} #{i}: {edits} edits in {file.Chunks[c].Type}, CRC fixed";
            }
            else
            {
                mutated = (byte[])png.Clone();
                int edits = 1 + rng.Next(8);
                for (int e = 0; e < edits; e++) Damage(mutated, rng, interesting);
                what = $"{name} #{i}: {edits} raw edits";
            }
            harness.Check(what, mutated, OptionsFor(i));
        }
        harness.AssertClean(2000);
    }

    private static void Damage(byte[] data, Random rng, byte[] interesting)
    {
        int at = rng.Next(data.Length);
        switch (rng.Next(3))
        {
            case 0: data[at] ^= (byte)(1 << rng.Next(8)); break;
            case 1: data[at] = interesting[rng.Next(interesting.Length)]; break;
            default: data[at] = (byte)rng.Next(256); break;
        }
    }

    [Fact]
    public void Chunk_length_fields_set_wrong()
    {
        var harness = new PngFuzzHarness();
        int i = 0;
        foreach (var (name, png) in Seeds())
        {
            var file = PngTestFile.Parse(png);
            for (int c = 0; c < file.Chunks.Count; c++)
            {
                int offset = file.OffsetOf(c);
                uint length = (uint)file.Chunks[c].Data.Length;
                uint remaining = (uint)(png.Length - offset - 12);
                foreach (uint value in new[] { 0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, length + 1, length - 1, remaining, remaining + 1, 0u, 1u })
                {
                    var mutated = (byte[])png.Clone();
                    BinaryPrimitives.WriteUInt32BigEndian(mutated.AsSpan(offset), value);
                    harness.Check($"{name}: {file.Chunks[c].Type} length {value}", mutated, OptionsFor(i++));
                }
            }
        }
        harness.AssertClean(300);
    }

    [Fact]
    public void IHDR_fields_set_wrong_or_reinterpreting_the_data()
    {
        var harness = new PngFuzzHarness();
        var rng = new Random(2);
        int i = 0;
        (int Type, int Depth)[] combos = [(0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8), (4, 8), (4, 16), (6, 8), (6, 16)];
        uint[] sizes = [0, 1, 2, 3, 8, 9, 4096, 4097, 65535, 100000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];
        foreach (var (name, png) in Seeds())
        {
            var file = PngTestFile.Parse(png);
            var ihdr = file.Chunks[0].Data;
            foreach (uint size in sizes)
            {
                for (int field = 0; field < 2; field++)
                {
                    var d = (byte[])ihdr.Clone();
                    BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(4 * field), size);
                    file.Chunks[0] = ("IHDR", d);
                    harness.Check($"{name}: {(field == 0 ? "width" : "height")} {size}", file.ToBytes(), OptionsFor(i++));
                }
                var both = (byte[])ihdr.Clone();
                BinaryPrimitives.WriteUInt32BigEndian(both, size);
                BinaryPrimitives.WriteUInt32BigEndian(both.AsSpan(4), size);
                file.Chunks[0] = ("IHDR", both);
                harness.Check($"{name}: {size}x{size}", file.ToBytes(), OptionsFor(i++));
            }
            // Same data read as every other colour type, depth and interlace: wrong amounts of data, wrong palettes.
            foreach (var (type, depth) in combos)
            {
                for (int interlace = 0; interlace < 2; interlace++)
                {
                    var d = (byte[])ihdr.Clone();
                    d[8] = (byte)depth;
                    d[9] = (byte)type;
                    d[12] = (byte)interlace;
                    file.Chunks[0] = ("IHDR", d);
                    harness.Check($"{name}: type {type} depth {depth} interlace {interlace}", file.ToBytes(), OptionsFor(i++));
                }
            }
            for (int k = 0; k < 40; k++)
            {
                var d = (byte[])ihdr.Clone();
                d[8 + rng.Next(5)] = (byte)rng.Next(256);
                if (k % 2 == 0) BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(rng.Next(2) * 4), (uint)rng.Next(1, 300));
                file.Chunks[0] = ("IHDR", d);
                harness.Check($"{name}: random IHDR #{k}", file.ToBytes(), OptionsFor(i++));
            }
            file.Chunks[0] = ("IHDR", ihdr);
        }
        harness.AssertClean(1000);
    }

    [Fact]
    public void Scanline_data_damaged_before_compression()
    {
        var harness = new PngFuzzHarness();
        var rng = new Random(3);
        int i = 0;
        foreach (var (name, png) in Seeds())
        {
            var file = PngTestFile.Parse(png);
            var raw = PngTestFile.Inflate(file.IdatStream());
            var ihdr = file.Chunks[0].Data;
            int width = BinaryPrimitives.ReadInt32BigEndian(ihdr);
            int channels = ihdr[9] switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 };
            int line = 1 + (width * channels * ihdr[8] + 7) / 8;
            bool interlaced = ihdr[12] == 1;
            for (int k = 0; k < 60; k++)
            {
                var damaged = (byte[])raw.Clone();
                string what;
                if (!interlaced && k < 30)
                {
                    // Filter-type bytes of a plain image sit at multiples of the scanline length.
                    int row = rng.Next(damaged.Length / line);
                    damaged[row * line] = (byte)(k % 3 == 0 ? rng.Next(5) : 5 + rng.Next(251));
                    what = $"filter byte {damaged[row * line]} on row {row}";
                }
                else
                {
                    int edits = 1 + rng.Next(6);
                    for (int e = 0; e < edits; e++) damaged[rng.Next(damaged.Length)] = (byte)rng.Next(256);
                    what = $"{edits} raw data edits";
                }
                file.ReplaceIdat(PngTestFile.Deflate(damaged));
                harness.Check($"{name}: {what}", file.ToBytes(), OptionsFor(i++));
            }
            foreach (int length in new[] { 0, 1, raw.Length / 2, raw.Length - 1, raw.Length + 1, raw.Length * 3 })
            {
                var resized = new byte[length];
                raw.AsSpan(0, Math.Min(length, raw.Length)).CopyTo(resized);
                file.ReplaceIdat(PngTestFile.Deflate(resized));
                harness.Check($"{name}: {length} of {raw.Length} raw bytes", file.ToBytes(), OptionsFor(i++));
            }
        }
        harness.AssertClean(500);
    }

    [Fact]
    public void Chunks_duplicated_removed_reordered_or_added()
    {
        var harness = new PngFuzzHarness();
        var rng = new Random(4);
        int i = 0;
        string[] inserted = ["IHDR", "IEND", "IDAT", "PLTE", "ABCD", "tRNS", "zzzz"];
        foreach (var (name, png) in Seeds())
        {
            var original = PngTestFile.Parse(png);
            int n = original.Chunks.Count;
            for (int c = 0; c < n; c++)
            {
                var dup = PngTestFile.Parse(png);
                dup.Chunks.Insert(c, dup.Chunks[c]);
                harness.Check($"{name}: {dup.Chunks[c].Type} duplicated", dup.ToBytes(), OptionsFor(i++));

                var removed = PngTestFile.Parse(png);
                removed.Chunks.RemoveAt(c);
                harness.Check($"{name}: chunk {c} removed", removed.ToBytes(), OptionsFor(i++));

                if (c + 1 < n)
                {
                    var swapped = PngTestFile.Parse(png);
                    (swapped.Chunks[c], swapped.Chunks[c + 1]) = (swapped.Chunks[c + 1], swapped.Chunks[c]);
                    harness.Check($"{name}: chunks {c} and {c + 1} swapped", swapped.ToBytes(), OptionsFor(i++));
                }
                foreach (var type in inserted)
                {
                    var added = PngTestFile.Parse(png);
                    var body = new byte[rng.Next(20)];
                    rng.NextBytes(body);
                    added.Chunks.Insert(c, (type, type == "IHDR" && rng.Next(2) == 0 ? original.Chunks[0].Data : body));
                    harness.Check($"{name}: {type} inserted at {c}", added.ToBytes(), OptionsFor(i++));
                }
            }
        }
        harness.AssertClean(400);
    }

    [Fact]
    public void Zlib_stream_damaged_or_validly_restructured()
    {
        var harness = new PngFuzzHarness();
        var rng = new Random(5);
        int i = 0;
        foreach (var (name, png) in Seeds())
        {
            var expected = PngDecoder.Decode(png).Pixels;
            var file = PngTestFile.Parse(png);
            var z = file.IdatStream();
            for (int k = 0; k < 60; k++)
            {
                var damaged = (byte[])z.Clone();
                string what;
                switch (k % 4)
                {
                    case 0:
                        damaged[rng.Next(Math.Min(8, damaged.Length))] ^= (byte)(1 << rng.Next(8));
                        what = "header or first block bit flipped";
                        break;
                    case 1:
                        damaged[rng.Next(damaged.Length)] = (byte)rng.Next(256);
                        what = "byte overwritten";
                        break;
                    case 2:
                        damaged = damaged[..rng.Next(damaged.Length)];
                        what = $"cut to {damaged.Length} bytes";
                        break;
                    default:
                        var tail = new byte[1 + rng.Next(64)];
                        rng.NextBytes(tail);
                        damaged = [.. damaged[..(damaged.Length - rng.Next(6))], .. tail];
                        what = "garbage appended";
                        break;
                }
                file.ReplaceIdat(damaged);
                harness.Check($"{name}: zlib {what} (#{k})", file.ToBytes(), OptionsFor(i++));
            }

            // Valid restructurings must give the same pixels.
            for (int k = 0; k < 10; k++)
            {
                var split = PngTestFile.Parse(png);
                split.ReplaceIdat(z);
                int at = split.IndexOf("IDAT");
                split.Chunks.RemoveAt(at);
                // Pieces of 0 to 1 + 17k bytes; empty IDAT chunks are legal.
                for (int pos = 0; pos < z.Length;)
                {
                    int piece = rng.Next(0, 1 + Math.Min(z.Length - pos, 1 + k * 17));
                    split.Chunks.Insert(at++, ("IDAT", z[pos..(pos + piece)]));
                    pos += piece;
                }
                split.Chunks.Insert(1, ("tEXt", "key\0value"u8.ToArray()));
                harness.Check($"{name}: IDAT split in {split.Chunks.Count(c => c.Type == "IDAT")}", split.ToBytes(), OptionsFor(i++), expected);
            }
            var recompressed = PngTestFile.Parse(png);
            recompressed.ReplaceIdat(PngTestFile.Deflate(PngTestFile.Inflate(z)));
            harness.Check($"{name}: recompressed", recompressed.ToBytes(), OptionsFor(i++), expected);
        }
        harness.AssertClean(500);
    }

    [Fact]
    public void Decompression_bomb_inflates_only_the_declared_size()
    {
        // 1000x1000 gray declares 1,001,000 bytes of scanlines; the IDAT stream holds 64 MiB of zeros.
        var bomb = PngTestFile.Create(1000, 1000, 8, 0, new byte[64 << 20]);
        var png = bomb.ToBytes();
        Assert.True(png.Length < 200_000, $"bomb is {png.Length} bytes");
        var harness = new PngFuzzHarness();
        var black = new byte[3_000_000];
        long before = GC.GetAllocatedBytesForCurrentThread();
        harness.Check("bomb", png, ImageDecodeOptions.Default, black);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        harness.AssertClean(1);
        // The 3 MB result, a copy of the compressed data and small scratch buffers; never the 64 MiB.
        Assert.True(allocated < 3_000_000 + 2 * png.Length + 200_000, $"allocated {allocated} bytes");
        Assert.True(harness.Slowest < TimeSpan.FromSeconds(1), $"took {harness.Slowest}");
    }
}
