using RetinaSharp.Tensors;

namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// Paints the background: a flat colour or a linear gradient, then (when the settings ask for it) smooth
/// value-noise texture in two octaves and sometimes a faint stripe or checker pattern.
/// </summary>
internal static class BackgroundPainter
{
    public static void Paint(Canvas canvas, RandomGenerator rng, SyntheticSettings settings)
    {
        var c0 = Rgb.Random(rng);
        var c1 = c0;
        if (rng.NextBool(0.65))
        {
            float s = (float)settings.GradientStrength;
            c1 = new Rgb(c0.R + (float)rng.Uniform(-s, s), c0.G + (float)rng.Uniform(-s, s), c0.B + (float)rng.Uniform(-s, s)).Clamped();
        }
        double angle = rng.Uniform(0, 2 * Math.PI);
        PaintGradient(canvas, c0, c1, Math.Cos(angle), Math.Sin(angle));

        if (settings.BackgroundTexture > 0)
        {
            float amplitude = (float)(settings.BackgroundTexture * rng.Uniform(0.4, 1.0));
            int size = Math.Max(canvas.Width, canvas.Height);
            var coarse = new ValueNoise(rng, canvas.Width, canvas.Height, rng.Uniform(size / 10.0, size / 4.0), rng.Uniform(0, 0.6));
            coarse.AddTo(canvas, amplitude);
            var fine = new ValueNoise(rng, canvas.Width, canvas.Height, rng.Uniform(3, 10), rng.Uniform(0, 0.6));
            fine.AddTo(canvas, amplitude * 0.5f);
        }

        if (rng.NextBool(settings.BackgroundPatternProbability))
        {
            float amplitude = (float)rng.Uniform(8, 22);
            double patternAngle = rng.Uniform(0, Math.PI);
            double period = rng.Uniform(4, 18);
            PaintPattern(canvas, rng.NextBool(), Math.Cos(patternAngle), Math.Sin(patternAngle), period, amplitude);
        }
    }

    private static void PaintGradient(Canvas canvas, Rgb c0, Rgb c1, double dx, double dy)
    {
        // Normalise the projection over the four corners so the ramp runs corner to corner. The ramp
        // position is a column part plus a row part, so each pixel is one multiply-add per channel.
        double p0 = Math.Min(0, dx * canvas.Width) + Math.Min(0, dy * canvas.Height);
        double p1 = Math.Max(0, dx * canvas.Width) + Math.Max(0, dy * canvas.Height);
        double inv = 1 / Math.Max(1e-9, p1 - p0);
        var column = new float[canvas.Width];
        for (int x = 0; x < column.Length; x++) column[x] = (float)((x + 0.5) * dx * inv);
        float dr = c1.R - c0.R, dg = c1.G - c0.G, db = c1.B - c0.B;
        for (int y = 0; y < canvas.Height; y++)
        {
            float t = (float)(((y + 0.5) * dy - p0) * inv);
            float r = c0.R + dr * t, g = c0.G + dg * t, b = c0.B + db * t;
            var row = canvas.Row(y);
            for (int x = 0; x < column.Length; x++)
            {
                float u = column[x];
                row[3 * x] = r + dr * u;
                row[3 * x + 1] = g + dg * u;
                row[3 * x + 2] = b + db * u;
            }
        }
    }

    /// <summary>Adds ±amplitude in stripes (one direction) or a checkerboard (two), with soft one-pixel edges.</summary>
    private static void PaintPattern(Canvas canvas, bool checker, double dx, double dy, double period, float amplitude)
    {
        for (int y = 0; y < canvas.Height; y++)
        {
            var row = canvas.Row(y);
            for (int x = 0; x < canvas.Width; x++)
            {
                double px = x + 0.5, py = y + 0.5;
                float s = SquareWave((px * dx + py * dy) / period, period);
                if (checker) s *= SquareWave((py * dx - px * dy) / period, period);
                float v = amplitude * s;
                row[3 * x] += v; row[3 * x + 1] += v; row[3 * x + 2] += v;
            }
        }
    }

    /// <summary>+1 / -1 alternating every half period, ramped linearly over one pixel at each edge.</summary>
    private static float SquareWave(double u, double period)
    {
        double s = u - Math.Floor(u);
        double d = (Math.Abs(s - 0.5) - 0.25) * period;
        return (float)Math.Clamp(2 * d, -1, 1);
    }
}
