namespace RetinaSharp.Imaging.Drawing;

public static partial class Draw
{
    /// <summary>Widest pen <see cref="Line"/> accepts; the pen is stamped at every step, so its cost grows with its area.</summary>
    public const int MaxLineThickness = 64;

    /// <summary>
    /// Draws a straight line between pixel positions (x0, y0) and (x1, y1), both ends included, with a square pen
    /// <paramref name="thickness"/> pixels wide (1 to <see cref="MaxLineThickness"/>) centred on the line.
    /// </summary>
    public static void Line(RgbImage image, float x0, float y0, float x1, float y1, RgbColor color, int thickness = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(thickness, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(thickness, MaxLineThickness);
        if (float.IsNaN(x0) || float.IsNaN(y0) || float.IsNaN(x1) || float.IsNaN(y1)) return;

        // Clip the segment to the image grown by the pen, so that the stepping loop below is bounded by the image
        // size however far away the end points are.
        double margin = thickness;
        if (!ClipSegment(ref x0, ref y0, ref x1, ref y1, -margin, -margin, image.Width - 1 + margin, image.Height - 1 + margin)) return;

        long ax = Round(x0), ay = Round(y0), bx = Round(x1), by = Round(y1);
        long dx = Math.Abs(bx - ax), dy = -Math.Abs(by - ay);
        long sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1;
        long err = dx + dy;
        int back = (thickness - 1) / 2;
        while (true)
        {
            FillClipped(image, ax - back, ay - back, ax - back + thickness, ay - back + thickness, color);
            if (ax == bx && ay == by) break;
            long e2 = 2 * err;
            if (e2 >= dy)
            {
                err += dy;
                ax += sx;
            }
            if (e2 <= dx)
            {
                err += dx;
                ay += sy;
            }
        }
    }

    /// <summary>Liang–Barsky clipping of the segment to [left, right] x [top, bottom]; false when nothing is left.</summary>
    private static bool ClipSegment(ref float x0, ref float y0, ref float x1, ref float y1, double left, double top, double right, double bottom)
    {
        double px = Math.Clamp(x0, -CoordinateLimit, CoordinateLimit), py = Math.Clamp(y0, -CoordinateLimit, CoordinateLimit);
        double qx = Math.Clamp(x1, -CoordinateLimit, CoordinateLimit), qy = Math.Clamp(y1, -CoordinateLimit, CoordinateLimit);
        double dx = qx - px, dy = qy - py;
        double t0 = 0, t1 = 1;
        if (!ClipEdge(-dx, px - left, ref t0, ref t1) || !ClipEdge(dx, right - px, ref t0, ref t1)
            || !ClipEdge(-dy, py - top, ref t0, ref t1) || !ClipEdge(dy, bottom - py, ref t0, ref t1))
            return false;
        x0 = (float)(px + t0 * dx);
        y0 = (float)(py + t0 * dy);
        x1 = (float)(px + t1 * dx);
        y1 = (float)(py + t1 * dy);
        return true;
    }

    /// <summary>One inequality p*t &lt;= q of the clip; narrows [t0, t1] or reports the segment outside.</summary>
    private static bool ClipEdge(double p, double q, ref double t0, ref double t1)
    {
        if (p == 0) return q >= 0;
        double t = q / p;
        if (p < 0)
        {
            if (t > t1) return false;
            if (t > t0) t0 = t;
        }
        else
        {
            if (t < t0) return false;
            if (t < t1) t1 = t;
        }
        return true;
    }
}
