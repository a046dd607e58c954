using RetinaSharp.Tensors;

namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// How an object or distractor is filled: a flat colour, or (for texture) stripes, per-pixel grain or
/// a two-tone gradient. Evaluated per pixel from its coordinates only, so the order of drawing never
/// changes the result.
/// </summary>
internal sealed class Paint
{
    public enum Fill { Flat, Stripes, Grain, Gradient }

    private readonly double _dirX = 1, _dirY;
    private readonly double _period = 1, _phase, _offset, _length = 1;
    private readonly float _amplitude;
    private readonly uint _seed;

    private Paint(Fill kind, Rgb a, Rgb b)
    {
        Kind = kind;
        A = a;
        B = b;
    }

    private Paint(Fill kind, Rgb a, Rgb b, double dirX, double dirY, double period, double phase, double offset, double length, float amplitude, uint seed)
        : this(kind, a, b)
    {
        _dirX = dirX; _dirY = dirY; _period = period; _phase = phase; _offset = offset; _length = length;
        _amplitude = amplitude; _seed = seed;
    }

    public Fill Kind { get; }

    /// <summary>The main colour (the only one for a flat fill).</summary>
    public Rgb A { get; }

    /// <summary>The second colour of stripes and gradients.</summary>
    public Rgb B { get; }

    public static Paint Flat(Rgb color) => new(Fill.Flat, color, color);

    /// <summary>
    /// A fill for an object sitting on <paramref name="under"/> (the mean colour beneath it). The main
    /// colour, and the second colour of stripes and gradients, keep <see cref="SyntheticSettings.MinContrast"/>
    /// from that background; grain varies around the main colour.
    /// </summary>
    public static Paint SampleForObject(RandomGenerator rng, SyntheticSettings settings, Rgb under, PixelBox bounds)
    {
        Span<Rgb> avoid = [under, default];
        var a = Rgb.Contrasting(rng, settings.MinContrast, avoid[..1]);
        if (!rng.NextBool(settings.TexturedObjectFraction)) return Flat(a);

        double angle = rng.Uniform(0, 2 * Math.PI);
        double dx = Math.Cos(angle), dy = Math.Sin(angle);
        switch (rng.NextInt(3))
        {
            case 0:
            {
                avoid[1] = a;
                var b = Rgb.Contrasting(rng, Math.Max(settings.MinContrast, 60), avoid);
                double period = rng.Uniform(3, Math.Max(4, Math.Min(bounds.Width, bounds.Height) / 2.0));
                return new Paint(Fill.Stripes, a, b, dx, dy, period, rng.NextDouble(), 0, 1, 0, 0);
            }
            case 1:
            {
                float amplitude = (float)rng.Uniform(15, 40);
                return new Paint(Fill.Grain, a, a, dx, dy, 1, 0, 0, 1, amplitude, (uint)rng.NextUInt64());
            }
            default:
            {
                avoid[1] = a;
                var b = Rgb.Contrasting(rng, settings.MinContrast, avoid);
                // Project the box corners on the direction so the ramp spans the object exactly.
                double p0 = double.MaxValue, p1 = double.MinValue;
                for (int k = 0; k < 4; k++)
                {
                    double x = (k & 1) == 0 ? bounds.X : bounds.Right, y = (k & 2) == 0 ? bounds.Y : bounds.Bottom;
                    double p = x * dx + y * dy;
                    p0 = Math.Min(p0, p); p1 = Math.Max(p1, p);
                }
                return new Paint(Fill.Gradient, a, b, dx, dy, 1, 0, p0, Math.Max(1, p1 - p0), 0, 0);
            }
        }
    }

    public void Sample(int x, int y, out float r, out float g, out float b)
    {
        switch (Kind)
        {
            case Fill.Flat:
                r = A.R; g = A.G; b = A.B;
                return;
            case Fill.Stripes:
            {
                double u = ((x + 0.5) * _dirX + (y + 0.5) * _dirY) / _period + _phase;
                double s = u - Math.Floor(u);
                // Signed distance in pixels to the nearest stripe edge, then a one-pixel ramp for anti-aliasing.
                double d = (Math.Abs(s - 0.5) - 0.25) * _period;
                float m = (float)Math.Clamp(0.5 + d, 0, 1);
                Mix(A, B, m, out r, out g, out b);
                return;
            }
            case Fill.Grain:
            {
                float n = Hash.Signed(x, y, _seed) * _amplitude;
                r = A.R + n; g = A.G + n; b = A.B + n;
                return;
            }
            default:
            {
                double p = (x + 0.5) * _dirX + (y + 0.5) * _dirY;
                float t = (float)Math.Clamp((p - _offset) / _length, 0, 1);
                Mix(A, B, t, out r, out g, out b);
                return;
            }
        }
    }

    private static void Mix(Rgb a, Rgb b, float t, out float r, out float g, out float bl)
    {
        r = a.R + (b.R - a.R) * t;
        g = a.G + (b.G - a.G) * t;
        bl = a.B + (b.B - a.B) * t;
    }
}
