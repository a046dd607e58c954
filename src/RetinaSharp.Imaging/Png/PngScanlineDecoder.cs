using System.Buffers;

namespace RetinaSharp.Imaging.Png;

/// <summary>
/// Inflates, unfilters and converts the image data one scanline at a time, straight into the output image,
/// so that besides the output it holds only two scanlines (and, for Adam7, one RGB row).
/// </summary>
internal static class PngScanlineDecoder
{
    public static RgbImage Decode(PngHeader header, ReadOnlySpan<byte> palette, Stream compressed)
    {
        var image = new RgbImage(header.Width, header.Height);
        var converter = new PngRowConverter(header, palette);
        int fullRow = (int)header.RowBytes(header.Width);
        var pool = ArrayPool<byte>.Shared;
        byte[] current = pool.Rent(fullRow + 1);
        byte[] previous = pool.Rent(fullRow + 1);
        byte[]? scatter = header.Interlaced ? pool.Rent(header.Width * 3) : null;
        try
        {
            using var inflater = new ExactInflater(compressed, header.FilteredLength());
            if (!header.Interlaced)
            {
                DecodePass(header, converter, inflater, new Adam7Pass(0, 0, 1, 1), -1, image, ref current, ref previous, null);
            }
            else
            {
                for (int p = 0; p < Adam7Pass.Count; p++)
                    DecodePass(header, converter, inflater, Adam7Pass.Get(p), p, image, ref current, ref previous, scatter);
            }
        }
        finally
        {
            pool.Return(current);
            pool.Return(previous);
            if (scatter is not null) pool.Return(scatter);
        }
        return image;
    }

    /// <param name="passIndex">Adam7 pass number for messages, or -1 for a non-interlaced image.</param>
    /// <param name="scatter">RGB row buffer for passes that skip columns; null writes rows directly.</param>
    private static void DecodePass(PngHeader header, PngRowConverter converter, ExactInflater inflater, Adam7Pass pass,
        int passIndex, RgbImage image, ref byte[] current, ref byte[] previous, byte[]? scatter)
    {
        int width = pass.Width(header.Width), height = pass.Height(header.Height);
        if (width == 0 || height == 0) return;
        int rowBytes = (int)header.RowBytes(width);
        int stride = header.FilterStride;
        previous.AsSpan(0, rowBytes + 1).Clear();
        for (int r = 0; r < height; r++)
        {
            var line = current.AsSpan(0, rowBytes + 1);
            inflater.ReadExactly(line);
            var samples = line[1..];
            if (!PngFilter.TryUnfilter(line[0], samples, previous.AsSpan(1, rowBytes), stride))
            {
                string where = passIndex < 0 ? $"row {r}" : $"row {r} of Adam7 pass {passIndex + 1}";
                throw new InvalidImageException($"Invalid filter type {line[0]} on {where} (must be 0 to 4).");
            }
            int y = pass.Y0 + r * pass.Dy;
            if (scatter is null)
            {
                converter.ToRgb(samples, image.Row(y));
            }
            else
            {
                var rgb = scatter.AsSpan(0, width * 3);
                converter.ToRgb(samples, rgb);
                var dst = image.Row(y);
                for (int i = 0, x = pass.X0 * 3, step = pass.Dx * 3; i < rgb.Length; i += 3, x += step)
                {
                    dst[x] = rgb[i];
                    dst[x + 1] = rgb[i + 1];
                    dst[x + 2] = rgb[i + 2];
                }
            }
            (current, previous) = (previous, current);
        }
    }
}
