using RetinaSharp.Tensors;

namespace RetinaSharp.Data.Synthetic;

/// <summary>A colour with float channels on the 0–255 scale (unclamped while it is being mixed).</summary>
internal readonly record struct Rgb(float R, float G, float B)
{
    public static Rgb Black => new(0, 0, 0);
    public static Rgb White => new(255, 255, 255);

    public static Rgb Random(RandomGenerator rng) =>
        new(rng.NextInt(256), rng.NextInt(256), rng.NextInt(256));

    public double DistanceTo(Rgb other)
    {
        double dr = R - other.R, dg = G - other.G, db = B - other.B;
        return Math.Sqrt(dr * dr + dg * dg + db * db);
    }

    public Rgb Clamped() => new(Math.Clamp(R, 0f, 255f), Math.Clamp(G, 0f, 255f), Math.Clamp(B, 0f, 255f));

    /// <summary>
    /// A random colour at least <paramref name="minDistance"/> from every colour in <paramref name="avoid"/>;
    /// if a few dozen draws all fail, the draw that came farthest.
    /// </summary>
    public static Rgb Contrasting(RandomGenerator rng, double minDistance, ReadOnlySpan<Rgb> avoid)
    {
        Rgb best = default;
        double bestDistance = -1;
        for (int attempt = 0; attempt < 48; attempt++)
        {
            var c = Random(rng);
            double d = double.MaxValue;
            foreach (var a in avoid) d = Math.Min(d, c.DistanceTo(a));
            if (d >= minDistance) return c;
            if (d > bestDistance) { bestDistance = d; best = c; }
        }
        return best;
    }
}
