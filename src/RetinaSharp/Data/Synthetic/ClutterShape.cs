using RetinaSharp.Tensors;

namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// A distractor drawn under the objects and never annotated: a straight stroke or a corner (like a
/// polygon's edge), an arc (like part of a circle or ring), or a wobbly blob (a filled region that is
/// none of the classes).
/// </summary>
internal sealed class ClutterShape : ISignedDistanceShape
{
    public enum Form { Stroke, Corner, Arc, Blob }

    // Stroke: (x0,y0)-(x1,y1). Corner: (x0,y0)-(x1,y1)-(x2,y2). Arc and blob: centre (x0,y0).
    private readonly double _x0, _y0, _x1, _y1, _x2, _y2;
    private readonly double _halfWidth;
    private readonly double _radius, _midX, _midY, _cosHalfSpan;
    private readonly double[] _harmonics = [];
    private readonly double _wobble;

    private ClutterShape(Form form, double halfWidth)
    {
        Kind = form;
        _halfWidth = halfWidth;
    }

    private ClutterShape(Form form, double halfWidth, double x0, double y0, double x1, double y1, double x2, double y2)
        : this(form, halfWidth)
    {
        _x0 = x0; _y0 = y0; _x1 = x1; _y1 = y1; _x2 = x2; _y2 = y2;
        double pad = halfWidth;
        MinX = Math.Min(x0, Math.Min(x1, x2)) - pad; MaxX = Math.Max(x0, Math.Max(x1, x2)) + pad;
        MinY = Math.Min(y0, Math.Min(y1, y2)) - pad; MaxY = Math.Max(y0, Math.Max(y1, y2)) + pad;
    }

    private ClutterShape(Form form, double halfWidth, double cx, double cy, double radius, double midAngle, double halfSpan, double[] harmonics)
        : this(form, halfWidth)
    {
        _x0 = cx; _y0 = cy;
        _radius = radius;
        _midX = Math.Cos(midAngle); _midY = Math.Sin(midAngle);
        _cosHalfSpan = Math.Cos(halfSpan);
        _harmonics = harmonics;
        for (int k = 0; k < harmonics.Length; k += 3) _wobble += harmonics[k];
        // Harmonic amplitudes add up to under 0.39 (see Sample), so a blob stays within 1.4 radii.
        double reach = form == Form.Blob ? 1.4 * radius : radius + halfWidth;
        MinX = cx - reach; MaxX = cx + reach;
        MinY = cy - reach; MaxY = cy + reach;
    }

    /// <summary>Radial distance over-states the true distance where the outline is steep; scaling it down keeps the blob's fringe soft.</summary>
    private const double BlobScale = 0.7;

    public Form Kind { get; }
    public double MinX { get; }
    public double MinY { get; }
    public double MaxX { get; }
    public double MaxY { get; }

    public double SignedDistance(double x, double y)
    {
        switch (Kind)
        {
            case Form.Stroke:
                return SegmentDistance(x, y, _x0, _y0, _x1, _y1) - _halfWidth;
            case Form.Corner:
                return Math.Min(SegmentDistance(x, y, _x0, _y0, _x1, _y1), SegmentDistance(x, y, _x1, _y1, _x2, _y2)) - _halfWidth;
            case Form.Arc:
            {
                double dx = x - _x0, dy = y - _y0;
                double r = Math.Sqrt(dx * dx + dy * dy);
                if (dx * _midX + dy * _midY >= r * _cosHalfSpan) return Math.Abs(r - _radius) - _halfWidth;
                // Outside the swept angle: distance to the nearer end point of the arc.
                double s = Math.Sqrt(Math.Max(0, 1 - _cosHalfSpan * _cosHalfSpan));
                double ex1 = _x0 + _radius * (_midX * _cosHalfSpan - _midY * s), ey1 = _y0 + _radius * (_midY * _cosHalfSpan + _midX * s);
                double ex2 = _x0 + _radius * (_midX * _cosHalfSpan + _midY * s), ey2 = _y0 + _radius * (_midY * _cosHalfSpan - _midX * s);
                double d1 = Math.Sqrt((x - ex1) * (x - ex1) + (y - ey1) * (y - ey1));
                double d2 = Math.Sqrt((x - ex2) * (x - ex2) + (y - ey2) * (y - ey2));
                return Math.Min(d1, d2) - _halfWidth;
            }
            default:
            {
                double dx = x - _x0, dy = y - _y0;
                double r = Math.Sqrt(dx * dx + dy * dy);
                double theta = Math.Atan2(dy, dx);
                double edge = 1;
                for (int k = 0; k < _harmonics.Length; k += 3) edge += _harmonics[k] * Math.Cos(_harmonics[k + 1] * theta + _harmonics[k + 2]);
                return (r - _radius * edge) * BlobScale;
            }
        }
    }

    public double ConservativeDistance(double x, double y)
    {
        if (Kind != Form.Blob) return SignedDistance(x, y);
        // The outline stays between radius·(1 ± wobble); outside that ring the blob's estimate is at
        // least BlobScale times the radial gap, and inside it no tile may be skipped.
        double dx = x - _x0, dy = y - _y0;
        double r = Math.Sqrt(dx * dx + dy * dy);
        double outer = _radius * (1 + _wobble), inner = _radius * (1 - _wobble);
        if (r > outer) return BlobScale * (r - outer);
        if (r < inner) return BlobScale * (r - inner);
        return 0;
    }

    private static double SegmentDistance(double px, double py, double ax, double ay, double bx, double by)
    {
        double ex = bx - ax, ey = by - ay, wx = px - ax, wy = py - ay;
        double len2 = ex * ex + ey * ey;
        double t = len2 > 0 ? Math.Clamp((wx * ex + wy * ey) / len2, 0, 1) : 0;
        double dx = wx - ex * t, dy = wy - ey * t;
        return Math.Sqrt(dx * dx + dy * dy);
    }

    public static ClutterShape Sample(RandomGenerator rng, int imageSize)
    {
        double halfWidth = 0.5 * rng.Uniform(1, 3);
        double x = rng.Uniform(0, imageSize), y = rng.Uniform(0, imageSize);
        switch (rng.NextInt(4))
        {
            case 0:
            {
                double length = rng.Uniform(10, 0.6 * imageSize), angle = rng.Uniform(0, 2 * Math.PI);
                return new ClutterShape(Form.Stroke, halfWidth, x, y, x + length * Math.Cos(angle), y + length * Math.Sin(angle), x, y);
            }
            case 1:
            {
                double a1 = rng.Uniform(0, 2 * Math.PI), turn = rng.Uniform(Math.PI / 4, 3 * Math.PI / 4) * (rng.NextBool() ? 1 : -1);
                double l1 = rng.Uniform(8, 0.25 * imageSize), l2 = rng.Uniform(8, 0.25 * imageSize);
                double a2 = a1 + Math.PI - turn;
                return new ClutterShape(Form.Corner, halfWidth,
                    x + l1 * Math.Cos(a1), y + l1 * Math.Sin(a1), x, y, x + l2 * Math.Cos(a2), y + l2 * Math.Sin(a2));
            }
            case 2:
            {
                double radius = rng.Uniform(6, 0.35 * imageSize);
                double halfSpan = 0.5 * rng.Uniform(Math.PI / 3, 1.5 * Math.PI);
                return new ClutterShape(Form.Arc, halfWidth, x, y, radius, rng.Uniform(0, 2 * Math.PI), halfSpan, []);
            }
            default:
            {
                double radius = rng.Uniform(5, 0.12 * imageSize);
                // Harmonics 2 to 5 at random phases, amplitudes falling as 1/order: an irregular lump.
                // A strong high harmonic would give lobes or points that read as a star or cross.
                var harmonics = new double[12];
                for (int k = 0; k < 4; k++)
                {
                    int order = k + 2;
                    harmonics[3 * k] = rng.Uniform(0.12, 0.3) / order;
                    harmonics[3 * k + 1] = order;
                    harmonics[3 * k + 2] = rng.Uniform(0, 2 * Math.PI);
                }
                return new ClutterShape(Form.Blob, 0, x, y, radius, 0, Math.PI, harmonics);
            }
        }
    }
}
