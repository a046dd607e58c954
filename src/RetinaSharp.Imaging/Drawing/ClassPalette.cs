namespace RetinaSharp.Imaging.Drawing;

/// <summary>Distinct, saturated colours for class indices, stable across runs.</summary>
public static class ClassPalette
{
    /// <summary>Size of the table of maximally separated colours; later indices step around the hue circle.</summary>
    public const int TableSize = 24;

    private static readonly RgbColor[] Table = BuildTable();

    public static RgbColor ColorFor(int classIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classIndex);
        if (classIndex < TableSize) return Table[classIndex];
        // Golden-ratio hue steps keep neighbouring indices far apart on the hue circle.
        double hue = (classIndex * 0.6180339887498949) % 1.0;
        double value = classIndex % 2 == 0 ? 0.95 : 0.75;
        return FromHsv(hue, 0.8, value);
    }

    /// <summary>
    /// Farthest-point selection over a 5-level RGB grid, keeping only bright, saturated colours (so boxes stand
    /// out on photographs and neither black nor white nor gray appears): each new colour is the candidate
    /// farthest from all chosen so far, which puts the most distinct colours on the lowest indices.
    /// </summary>
    private static RgbColor[] BuildTable()
    {
        ReadOnlySpan<byte> levels = [0, 64, 128, 192, 255];
        var candidates = new List<RgbColor>();
        foreach (var r in levels)
            foreach (var g in levels)
                foreach (var b in levels)
                {
                    int max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b));
                    if (max >= 192 && max - min >= 128) candidates.Add(new RgbColor(r, g, b));
                }
        var chosen = new RgbColor[TableSize];
        chosen[0] = new RgbColor(255, 0, 0);
        var nearest = new int[candidates.Count];
        for (int i = 0; i < candidates.Count; i++) nearest[i] = DistanceSquared(candidates[i], chosen[0]);
        for (int k = 1; k < TableSize; k++)
        {
            int best = 0;
            for (int i = 1; i < candidates.Count; i++)
                if (nearest[i] > nearest[best]) best = i;
            chosen[k] = candidates[best];
            for (int i = 0; i < candidates.Count; i++) nearest[i] = Math.Min(nearest[i], DistanceSquared(candidates[i], chosen[k]));
        }
        return chosen;
    }

    private static int DistanceSquared(RgbColor a, RgbColor b)
    {
        int dr = a.R - b.R, dg = a.G - b.G, db = a.B - b.B;
        return dr * dr + dg * dg + db * db;
    }

    private static RgbColor FromHsv(double h, double s, double v)
    {
        double sector = h * 6;
        int i = (int)sector % 6;
        double f = sector - Math.Floor(sector);
        double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        var (r, g, b) = i switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
        return new RgbColor(ToByte(r), ToByte(g), ToByte(b));
    }

    private static byte ToByte(double unit) => (byte)Math.Clamp((int)Math.Round(unit * 255), 0, 255);
}
