using System.Buffers;
using System.Numerics;
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
    /// Irwin–Hall sum of four uniforms per value: close to Gaussian and far cheaper to draw).
    /// </summary>
    public void WriteTo(RgbImage image, RandomGenerator? noise, double noiseStd)
    {
        if (image.Width != Width || image.Height != Height) throw new ArgumentException("Image size differs from the canvas.", nameof(image));
        var src = Data;
        var dst = image.Pixels.AsSpan(0, src.Length);
        if (noise is null || noiseStd <= 0)
        {
            for (int k = ToBytesVectorized(src, dst); k < src.Length; k++) dst[k] = ToByte(src[k]);
            return;
        }
        // Each value adds four 8-bit uniforms (one random word serves two values): mean 510, variance
        // 4 × (256² − 1) / 12, so this factor gives the requested standard deviation.
        float scale = (float)(noiseStd / Math.Sqrt(4 * (256.0 * 256.0 - 1) / 12));
        int i = 0;
        for (; i + 1 < src.Length; i += 2)
        {
            ulong bits = noise.NextUInt64();
            dst[i] = ToByte(src[i] + (ByteSum(bits) - 510) * scale);
            dst[i + 1] = ToByte(src[i + 1] + (ByteSum(bits >> 32) - 510) * scale);
        }
        if (i < src.Length) dst[i] = ToByte(src[i] + (ByteSum(noise.NextUInt64()) - 510) * scale);
    }

    /// <summary>The sum of the four low bytes.</summary>
    private static int ByteSum(ulong bits) => (int)(bits & 0xFF) + (int)((bits >> 8) & 0xFF) + (int)((bits >> 16) & 0xFF) + (int)((bits >> 24) & 0xFF);

    private static byte ToByte(float v) => (byte)(Math.Clamp(v, 0f, 255f) + 0.5f);

    /// <summary>
    /// <see cref="ToByte"/> over whole vectors (every step is element-wise, so the bytes are the same as
    /// the scalar loop's on any vector width); returns how many values were converted.
    /// </summary>
    private static int ToBytesVectorized(ReadOnlySpan<float> src, Span<byte> dst)
    {
        if (!Vector.IsHardwareAccelerated) return 0;
        int n = Vector<float>.Count, block = 4 * n, i = 0;
        var low = Vector<float>.Zero;
        var high = new Vector<float>(255f);
        var half = new Vector<float>(0.5f);
        for (; i + block <= src.Length; i += block)
        {
            var a = Vector.AsVectorUInt32(Vector.ConvertToInt32(Vector.Min(Vector.Max(new Vector<float>(src.Slice(i, n)), low), high) + half));
            var b = Vector.AsVectorUInt32(Vector.ConvertToInt32(Vector.Min(Vector.Max(new Vector<float>(src.Slice(i + n, n)), low), high) + half));
            var c = Vector.AsVectorUInt32(Vector.ConvertToInt32(Vector.Min(Vector.Max(new Vector<float>(src.Slice(i + 2 * n, n)), low), high) + half));
            var d = Vector.AsVectorUInt32(Vector.ConvertToInt32(Vector.Min(Vector.Max(new Vector<float>(src.Slice(i + 3 * n, n)), low), high) + half));
            Vector.Narrow(Vector.Narrow(a, b), Vector.Narrow(c, d)).CopyTo(dst.Slice(i, block));
        }
        return i;
    }

    public void Dispose()
    {
        if (_data is null) return;
        ArrayPool<float>.Shared.Return(_data);
        _data = null;
    }
}
