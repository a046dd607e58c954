namespace RetinaSharp.Imaging.Png;

/// <summary>
/// Turns one unfiltered scanline into 8-bit RGB. Alpha is dropped without compositing, gray is replicated
/// into R, G and B, 1/2/4-bit gray is scaled to the full 0..255 range (v * 255 / (2^depth - 1)), and 16-bit
/// samples keep their high (first) byte, i.e. v >> 8. Palette indices past the end of PLTE read as black.
/// </summary>
internal sealed class PngRowConverter
{
    private readonly PngColorType _colorType;
    private readonly int _depth;
    private readonly byte[] _palette;

    /// <param name="palette">PLTE entries as RGB triples; required for palette images, ignored otherwise.</param>
    public PngRowConverter(PngHeader header, ReadOnlySpan<byte> palette)
    {
        _colorType = header.ColorType;
        _depth = header.BitDepth;
        // A full 256-entry table makes any index in range for the lookup; missing entries stay black.
        _palette = new byte[256 * 3];
        if (_colorType == PngColorType.Palette) palette[..Math.Min(palette.Length, _palette.Length)].CopyTo(_palette);
    }

    /// <summary>Converts the first <c>rgb.Length / 3</c> pixels of <paramref name="row"/>.</summary>
    public void ToRgb(ReadOnlySpan<byte> row, Span<byte> rgb)
    {
        int count = rgb.Length / 3;
        switch (_colorType)
        {
            case PngColorType.Gray when _depth == 8:
                GrayToRgb(row, rgb, count, 1);
                break;
            case PngColorType.Gray when _depth == 16:
                GrayToRgb(row, rgb, count, 2);
                break;
            case PngColorType.Gray:
                PackedGrayToRgb(row, rgb, count);
                break;
            case PngColorType.GrayAlpha:
                GrayToRgb(row, rgb, count, _depth == 8 ? 2 : 4);
                break;
            case PngColorType.Palette:
                PaletteToRgb(row, rgb, count);
                break;
            case PngColorType.Rgb when _depth == 8:
                row[..(count * 3)].CopyTo(rgb);
                break;
            default:
                ColorToRgb(row, rgb, count, (_colorType == PngColorType.Rgba ? 4 : 3) * (_depth >> 3), _depth >> 3);
                break;
        }
    }

    /// <summary>Gray sample at the start of every <paramref name="pixelBytes"/>-byte pixel; for 16 bits that is the high byte.</summary>
    private static void GrayToRgb(ReadOnlySpan<byte> row, Span<byte> rgb, int count, int pixelBytes)
    {
        row = row[..(count * pixelBytes)];
        rgb = rgb[..(count * 3)];
        for (int i = 0, s = 0; i < rgb.Length; i += 3, s += pixelBytes)
        {
            byte v = row[s];
            rgb[i] = v;
            rgb[i + 1] = v;
            rgb[i + 2] = v;
        }
    }

    /// <summary>RGB or RGBA at 8 or 16 bits: R, G, B begin every <paramref name="sampleBytes"/> bytes of each pixel.</summary>
    private static void ColorToRgb(ReadOnlySpan<byte> row, Span<byte> rgb, int count, int pixelBytes, int sampleBytes)
    {
        row = row[..(count * pixelBytes)];
        rgb = rgb[..(count * 3)];
        for (int i = 0, s = 0; i < rgb.Length; i += 3, s += pixelBytes)
        {
            rgb[i] = row[s];
            rgb[i + 1] = row[s + sampleBytes];
            rgb[i + 2] = row[s + 2 * sampleBytes];
        }
    }

    private void PackedGrayToRgb(ReadOnlySpan<byte> row, Span<byte> rgb, int count)
    {
        int depth = _depth;
        int mask = (1 << depth) - 1;
        int scale = 255 / mask;
        for (int i = 0; i < count; i++)
        {
            int bit = i * depth;
            byte v = (byte)(((row[bit >> 3] >> (8 - depth - (bit & 7))) & mask) * scale);
            rgb[3 * i] = v;
            rgb[3 * i + 1] = v;
            rgb[3 * i + 2] = v;
        }
    }

    private void PaletteToRgb(ReadOnlySpan<byte> row, Span<byte> rgb, int count)
    {
        var palette = _palette.AsSpan();
        int depth = _depth;
        int mask = (1 << depth) - 1;
        for (int i = 0; i < count; i++)
        {
            int index;
            if (depth == 8)
            {
                index = row[i];
            }
            else
            {
                int bit = i * depth;
                index = (row[bit >> 3] >> (8 - depth - (bit & 7))) & mask;
            }
            var entry = palette.Slice(3 * index, 3);
            rgb[3 * i] = entry[0];
            rgb[3 * i + 1] = entry[1];
            rgb[3 * i + 2] = entry[2];
        }
    }
}
