using RetinaSharp.Structures;

namespace RetinaSharp.Reporting;

/// <summary>Overlap measures of the report's matching, on corner boxes.</summary>
internal static class BoxOverlap
{
    public static double Iou(Box a, Box b)
    {
        double inter = Intersection(a, b);
        if (inter <= 0) return 0;
        double union = (double)a.Width * a.Height + (double)b.Width * b.Height - inter;
        return union > 0 ? inter / union : 0;
    }

    /// <summary>
    /// The part of <paramref name="detection"/> that lies inside <paramref name="region"/>: how the
    /// COCO metrics match a detection to a crowd box, so a detection of one person inside a crowd
    /// counts as covered however large the crowd is.
    /// </summary>
    public static double Coverage(Box detection, Box region)
    {
        double area = (double)detection.Width * detection.Height;
        return area > 0 ? Intersection(detection, region) / area : 0;
    }

    private static double Intersection(Box a, Box b)
    {
        double w = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1);
        if (w <= 0) return 0;
        double h = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
        return h <= 0 ? 0 : w * h;
    }
}
