using System.Buffers;
using RetinaSharp.Imaging;
using RetinaSharp.Tensors;

namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// A float RGB working image (0–255 scale) that layers are blended into, so that repeated blending does
/// not round to bytes at every step. The buffer is pooled; dispose the canvas when done.
/// </summary>
internal sealed class Canvas : IDisposable
{
    private float[]? _data;

    public Canvas(int width, int height)
    {
        Width = width;
        Height = height;
        _data = ArrayPool<float>.Shared.Rent(width * height * 3);
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Interleaved R, G, B, rows top to bottom.</summary>
    public Span<float> Data => _data.AsSpan(0, Width * Height * 3);

    public Span<float> Row(int y) => Data.Slice(y * Width * 3, Width * 3);

    public void Fill(Rgb color)
    {
        var data = Data;
        for (int i = 0; i < data.Length; i += 3)
        {
            data[i] = color.R; data[i + 1] = color.G; data[i + 2] = color.B;
        }
    }

    /// <summary>Blends the paint over the canvas with weight coverage × opacity at every pixel.</summary>
    public void Composite(CoverageMask mask, Paint paint, float opacity = 1f)
    {
        if (paint.Kind == Paint.Fill.Flat)
        {
            CompositeFlat(mask, paint.A, opacity);
            return;
        }
        var values = mask.Values;
        for (int ly = 0; ly < mask.Height; ly++)
        {
            int y = mask.Y + ly;
            var row = Row(y);
            var cov = values.AsSpan(ly * mask.Width, mask.Width);
            for (int lx = 0; lx < cov.Length; lx++)
            {
                float c = cov[lx] * opacity;
                if (c <= 0) continue;
                int x = mask.X + lx;
                paint.Sample(x, y, out float r, out float g, out float b);
                int i = 3 * x;
                row[i] += (r - row[i]) * c;
                row[i + 1] += (g - row[i + 1]) * c;
                row[i + 2] += (b - row[i + 2]) * c;
            }
        }
    }

    private void CompositeFlat(CoverageMask mask, Rgb color, float opacity)
    {
        var values = mask.Values;
        for (int ly = 0; ly < mask.Height; ly++)
        {
            var row = Row(mask.Y + ly).Slice(3 * mask.X, 3 * mask.Width);
            var cov = values.AsSpan(ly * mask.Width, mask.Width);
            for (int lx = 0; lx < cov.Length; lx++)
            {
                float c = cov[lx] * opacity;
                if (c <= 0) continue;
                int i = 3 * lx;
                row[i] += (color.R - row[i]) * c;
                row[i + 1] += (color.G - row[i + 1]) * c;
                row[i + 2] += (color.B - row[i + 2]) * c;
            }
        }
    }

    /// <summary>The coverage-weighted mean colour under the mask (the colour an object would sit on).</summary>
    public Rgb MeanUnder(CoverageMask mask)
    {
        double r = 0, g = 0, b = 0, w = 0;
        var values = mask.Values;
        for (int ly = 0; ly < mask.Height; ly++)
        {
            var row = Row(mask.Y + ly);
            var cov = values.AsSpan(ly * mask.Width, mask.Width);
            for (int lx = 0; lx < cov.Length; lx++)
            {
                float c = cov[lx];
                if (c <= 0) continue;
                int i = 3 * (mask.X + lx);
                r += c * row[i]; g += c * row[i + 1]; b += c * row[i + 2];
                w += c;
            }
        }
        if (w <= 0) return Rgb.Black;
        return new Rgb((float)(r / w), (float)(g / w), (float)(b / w));
    }

    /// <summary>
    /// Rounds into 8-bit pixels, first adding zero-mean noise of the given standard deviation (an
    /// Irwin–Hall sum of four uniforms per channel: close to Gaussian, one random word per value).
    /// </summary>
    public void WriteTo(RgbImage image, RandomGenerator? noise, double noiseStd)
    {
        if (image.Width != Width || image.Height != Height) throw new ArgumentException("Image size differs from the canvas.", nameof(image));
        var src = Data;
        var dst = image.Pixels.AsSpan(0, src.Length);
        if (noise is null || noiseStd <= 0)
        {
            for (int i = 0; i < src.Length; i++) dst[i] = ToByte(src[i]);
            return;
        }
        // Four 16-bit uniforms sum to mean 2^17 - 2 and variance 2^32 / 3; this factor gives the requested deviation.
        float scale = (float)(noiseStd * Math.Sqrt(3.0) / 65536.0);
        for (int i = 0; i < src.Length; i++)
        {
            ulong bits = noise.NextUInt64();
            long sum = (long)(bits & 0xFFFF) + (long)((bits >> 16) & 0xFFFF) + (long)((bits >> 32) & 0xFFFF) + (long)(bits >> 48);
            dst[i] = ToByte(src[i] + (sum - 131070) * scale);
        }
    }

    private static byte ToByte(float v) => (byte)(Math.Clamp(v, 0f, 255f) + 0.5f);

    public void Dispose()
    {
        if (_data is null) return;
        ArrayPool<float>.Shared.Return(_data);
        _data = null;
    }
}
