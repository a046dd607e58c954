namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// A simple polygon (convex or not) with its exact signed distance, for the straight-edged shapes.
/// Edge vectors and their inverse squared lengths are kept, as the distance runs for every pixel.
/// </summary>
internal sealed class Polygon
{
    private readonly double[] _ax, _ay, _by, _ex, _ey, _invLength2, _slope;

    public Polygon(double[] xs, double[] ys)
    {
        if (xs.Length != ys.Length || xs.Length < 3) throw new ArgumentException("A polygon needs at least three vertices, with as many x as y.");
        X = xs;
        Y = ys;
        int n = xs.Length;
        _ax = new double[n]; _ay = new double[n]; _by = new double[n]; _ex = new double[n]; _ey = new double[n];
        _invLength2 = new double[n]; _slope = new double[n];
        for (int i = 0, j = n - 1; i < n; j = i++)
        {
            _ax[i] = xs[j]; _ay[i] = ys[j]; _by[i] = ys[i];
            _ex[i] = xs[i] - xs[j]; _ey[i] = ys[i] - ys[j];
            double length2 = _ex[i] * _ex[i] + _ey[i] * _ey[i];
            _invLength2[i] = length2 > 0 ? 1 / length2 : 0;
            _slope[i] = _ey[i] != 0 ? _ex[i] / _ey[i] : 0;
        }
    }

    public double[] X { get; }
    public double[] Y { get; }

    /// <summary>Distance from (px, py) to the nearest edge, negative inside (even-odd rule).</summary>
    public double SignedDistance(double px, double py)
    {
        double best = double.MaxValue;
        bool inside = false;
        var ax = _ax; var ay = _ay; var by = _by; var ex = _ex; var ey = _ey; var inv = _invLength2; var slope = _slope;
        for (int i = 0; i < ax.Length; i++)
        {
            double wx = px - ax[i], wy = py - ay[i];
            double t = Math.Clamp((wx * ex[i] + wy * ey[i]) * inv[i], 0.0, 1.0);
            double dx = wx - ex[i] * t, dy = wy - ey[i] * t;
            double d2 = dx * dx + dy * dy;
            if (d2 < best) best = d2;
            // A ray to the right crosses this edge; half-open in y so that a shared vertex counts once.
            if ((ay[i] > py) != (by[i] > py) && wx < wy * slope[i]) inside = !inside;
        }
        double d = Math.Sqrt(best);
        return inside ? -d : d;
    }
}
