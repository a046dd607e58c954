using RetinaSharp.Tensors;

namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// One object's outline placed in the image: kind, size, stretch, rotation and position. Straight-edged
/// kinds are polygons in image coordinates; circle, ring and ellipse keep their exact curves.
/// </summary>
internal sealed class ShapeGeometry : ISignedDistanceShape
{
    private readonly Polygon? _polygon;
    private readonly double _cos = 1, _sin;
    private readonly double _radiusA, _radiusB;

    private ShapeGeometry(ShapeKind kind, double cx, double cy)
    {
        Kind = kind;
        CenterX = cx;
        CenterY = cy;
    }

    private ShapeGeometry(ShapeKind kind, double cx, double cy, double[] xs, double[] ys) : this(kind, cx, cy)
    {
        _polygon = new Polygon(xs, ys);
        MinX = MaxX = xs[0];
        MinY = MaxY = ys[0];
        for (int i = 1; i < xs.Length; i++)
        {
            MinX = Math.Min(MinX, xs[i]); MaxX = Math.Max(MaxX, xs[i]);
            MinY = Math.Min(MinY, ys[i]); MaxY = Math.Max(MaxY, ys[i]);
        }
    }

    private ShapeGeometry(ShapeKind kind, double cx, double cy, double radiusA, double radiusB, double cos, double sin) : this(kind, cx, cy)
    {
        _radiusA = radiusA;
        _radiusB = radiusB;
        _cos = cos;
        _sin = sin;
        // Circle and ring use radiusA as the outer radius; the ellipse's box follows from its rotated axes.
        double hw = kind == ShapeKind.Ellipse ? Math.Sqrt(radiusA * radiusA * cos * cos + radiusB * radiusB * sin * sin) : radiusA;
        double hh = kind == ShapeKind.Ellipse ? Math.Sqrt(radiusA * radiusA * sin * sin + radiusB * radiusB * cos * cos) : radiusA;
        MinX = cx - hw; MaxX = cx + hw;
        MinY = cy - hh; MaxY = cy + hh;
    }

    public ShapeKind Kind { get; }
    public double CenterX { get; }
    public double CenterY { get; }
    public double MinX { get; }
    public double MinY { get; }
    public double MaxX { get; }
    public double MaxY { get; }

    /// <summary>Circle: radius. Ring: outer radius. Ellipse: semi-axis along the rotated x axis.</summary>
    public double RadiusA => _radiusA;

    /// <summary>Ring: inner radius. Ellipse: semi-axis along the rotated y axis.</summary>
    public double RadiusB => _radiusB;

    /// <summary>Polygon vertices in image coordinates (empty for circle, ring and ellipse).</summary>
    public ReadOnlySpan<double> VertexX => _polygon is null ? default : _polygon.X;
    public ReadOnlySpan<double> VertexY => _polygon is null ? default : _polygon.Y;

    public double SignedDistance(double x, double y)
    {
        double dx = x - CenterX, dy = y - CenterY;
        switch (Kind)
        {
            case ShapeKind.Circle:
                return Math.Sqrt(dx * dx + dy * dy) - _radiusA;
            case ShapeKind.Ring:
            {
                double mid = 0.5 * (_radiusA + _radiusB), half = 0.5 * (_radiusA - _radiusB);
                return Math.Abs(Math.Sqrt(dx * dx + dy * dy) - mid) - half;
            }
            case ShapeKind.Ellipse:
                return EllipseDistance(_cos * dx + _sin * dy, -_sin * dx + _cos * dy, _radiusA, _radiusB);
            default:
                return _polygon!.SignedDistance(x, y);
        }
    }

    public double ConservativeDistance(double x, double y)
    {
        if (Kind != ShapeKind.Ellipse) return SignedDistance(x, y);
        // Mapping the ellipse to the unit circle stretches distances by at most 1/b (b the shorter
        // semi-axis), so b·(|p/r| − 1) is 1-Lipschitz, has the right sign and never exceeds the estimate.
        double dx = x - CenterX, dy = y - CenterY;
        double ux = (_cos * dx + _sin * dy) / _radiusA, uy = (-_sin * dx + _cos * dy) / _radiusB;
        return Math.Min(_radiusA, _radiusB) * (Math.Sqrt(ux * ux + uy * uy) - 1);
    }

    /// <summary>
    /// A first-order estimate of the distance to an axis-aligned ellipse: its sign is exact (so the set of
    /// covered pixel centres is exact) and near the edge it is within a few percent of the true distance.
    /// </summary>
    private static double EllipseDistance(double x, double y, double a, double b)
    {
        double ux = x / a, uy = y / b;
        double k0 = Math.Sqrt(ux * ux + uy * uy);
        double vx = ux / a, vy = uy / b;
        double k1 = Math.Sqrt(vx * vx + vy * vy);
        if (k1 == 0) return -Math.Min(a, b);
        return k0 * (k0 - 1) / k1;
    }

    /// <summary>
    /// Draws a shape of the given kind whose box fits the size limits, or null when the drawn stretch and
    /// rotation cannot fit (the caller draws again). Sizes are checked again on the rasterised box.
    /// </summary>
    public static ShapeGeometry? Sample(RandomGenerator rng, ShapeKind kind, SyntheticSettings settings)
    {
        double maxAspect = settings.MaxAspectRatio;
        // Local outline at an arbitrary unit scale, then a rotation; the box of the result fixes the scale.
        double[]? lx = null, ly = null;
        double ra = 1, rb = 1;
        switch (kind)
        {
            case ShapeKind.Circle:
                break;
            case ShapeKind.Ring:
                rb = rng.Uniform(0.45, 0.7);
                break;
            case ShapeKind.Ellipse:
                ra = rng.Uniform(1.5, Math.Max(1.5, maxAspect));
                break;
            case ShapeKind.Square:
                (lx, ly) = Rectangle(1, 1);
                break;
            case ShapeKind.Bar:
                (lx, ly) = Rectangle(rng.Uniform(2.0, Math.Max(2.0, maxAspect)), 1);
                break;
            case ShapeKind.Triangle:
            {
                double halfBase = LogUniform(rng, 1 / maxAspect, maxAspect);
                lx = [0, halfBase, -halfBase];
                ly = [-1, 1, 1];
                break;
            }
            case ShapeKind.Cross:
            {
                double stretch = LogUniform(rng, 1 / maxAspect, maxAspect);
                double u = Math.Min(1, stretch), v = Math.Min(1, 1 / stretch);
                double t = Math.Min(u, v) * rng.Uniform(0.25, 0.4);
                lx = [t, t, u, u, t, t, -t, -t, -u, -u, -t, -t];
                ly = [-v, -t, -t, t, t, v, v, t, t, -t, -t, -v];
                break;
            }
            case ShapeKind.Star:
            {
                double inner = rng.Uniform(0.38, 0.5);
                lx = new double[10];
                ly = new double[10];
                for (int i = 0; i < 10; i++)
                {
                    double r = (i & 1) == 0 ? 1 : inner;
                    double angle = Math.PI * (i / 5.0 - 0.5);
                    lx[i] = r * Math.Cos(angle);
                    ly[i] = r * Math.Sin(angle);
                }
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown shape kind.");
        }

        var (cos, sin) = SampleRotation(rng, kind);

        double minX, maxX, minY, maxY;
        if (lx is not null && ly is not null)
        {
            minX = minY = double.MaxValue;
            maxX = maxY = double.MinValue;
            for (int i = 0; i < lx.Length; i++)
            {
                double x = cos * lx[i] - sin * ly[i], y = sin * lx[i] + cos * ly[i];
                lx[i] = x; ly[i] = y;
                minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
                minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
            }
        }
        else if (kind == ShapeKind.Ellipse)
        {
            double hw = Math.Sqrt(ra * ra * cos * cos + rb * rb * sin * sin);
            double hh = Math.Sqrt(ra * ra * sin * sin + rb * rb * cos * cos);
            minX = -hw; maxX = hw; minY = -hh; maxY = hh;
        }
        else
        {
            minX = minY = -1;
            maxX = maxY = 1;
        }

        double w = maxX - minX, h = maxY - minY;
        // One pixel of slack each way so that rasterisation rarely pushes the box out of the limits.
        double scaleLow = (settings.MinObjectSize + 1) / Math.Min(w, h);
        double scaleHigh = (settings.MaxObjectSize - 1) / Math.Max(w, h);
        if (!(scaleLow <= scaleHigh)) return null;
        double scale = LogUniform(rng, scaleLow, scaleHigh);

        int size = settings.ImageSize;
        double cxLow = 1 - scale * minX, cxHigh = size - 1 - scale * maxX;
        double cyLow = 1 - scale * minY, cyHigh = size - 1 - scale * maxY;
        if (cxLow > cxHigh || cyLow > cyHigh) return null;
        double cx = rng.Uniform(cxLow, cxHigh), cy = rng.Uniform(cyLow, cyHigh);

        if (lx is not null && ly is not null)
        {
            for (int i = 0; i < lx.Length; i++)
            {
                lx[i] = cx + scale * lx[i];
                ly[i] = cy + scale * ly[i];
            }
            return new ShapeGeometry(kind, cx, cy, lx, ly);
        }
        return new ShapeGeometry(kind, cx, cy, scale * ra, scale * rb, cos, sin);
    }

    /// <summary>A circle of the given radius (for tests and references).</summary>
    internal static ShapeGeometry CreateCircle(double cx, double cy, double radius) =>
        new(ShapeKind.Circle, cx, cy, radius, radius, 1, 0);

    /// <summary>An ellipse with semi-axes a (along the rotated x axis) and b, rotated by angle radians.</summary>
    internal static ShapeGeometry CreateEllipse(double cx, double cy, double a, double b, double angle) =>
        new(ShapeKind.Ellipse, cx, cy, a, b, Math.Cos(angle), Math.Sin(angle));

    /// <summary>A polygon of the given kind from vertices in image coordinates.</summary>
    internal static ShapeGeometry CreatePolygon(ShapeKind kind, double[] xs, double[] ys)
    {
        double cx = 0, cy = 0;
        for (int i = 0; i < xs.Length; i++) { cx += xs[i]; cy += ys[i]; }
        return new ShapeGeometry(kind, cx / xs.Length, cy / xs.Length, xs, ys);
    }

    private static (double[] X, double[] Y) Rectangle(double halfWidth, double halfHeight) =>
        ([-halfWidth, halfWidth, halfWidth, -halfWidth], [-halfHeight, -halfHeight, halfHeight, halfHeight]);

    /// <summary>
    /// Round kinds are not rotated. The others are axis-aligned (in one of four orientations) half the
    /// time, so that boxes reach the full stretch range, and at a uniform angle otherwise.
    /// </summary>
    private static (double Cos, double Sin) SampleRotation(RandomGenerator rng, ShapeKind kind)
    {
        if (kind is ShapeKind.Circle or ShapeKind.Ring) return (1, 0);
        if (rng.NextBool())
        {
            // Exact quarter turns: Math.Cos(Math.PI / 2) is not exactly zero and would tilt edges slightly.
            return rng.NextInt(4) switch
            {
                0 => (1, 0),
                1 => (0, 1),
                2 => (-1, 0),
                _ => (0, -1),
            };
        }
        double angle = rng.Uniform(0, 2 * Math.PI);
        return (Math.Cos(angle), Math.Sin(angle));
    }

    private static double LogUniform(RandomGenerator rng, double low, double high) =>
        low * Math.Exp(rng.NextDouble() * Math.Log(high / low));
}
