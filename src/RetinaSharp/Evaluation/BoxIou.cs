namespace RetinaSharp.Evaluation;

/// <summary>
/// Overlap of two [x, y, width, height] boxes as the COCO metrics define it. For a crowd region
/// the union is replaced by the detection's own area, so a detection lying inside a crowd scores 1
/// however large the crowd is.
/// </summary>
public static class BoxIou
{
    /// <summary>
    /// IoU of detection d and ground truth g, or intersection over detection area when g is a
    /// crowd. Boxes that only touch (or have no width or height) give 0.
    /// </summary>
    public static double Compute(double dx, double dy, double dw, double dh,
                                 double gx, double gy, double gw, double gh, bool crowd)
    {
        // Same operations in the same order as pycocotools' bbIou, so ties at a threshold resolve alike.
        var ga = gw * gh;
        var da = dw * dh;
        var w = Math.Min(dw + dx, gw + gx) - Math.Max(dx, gx);
        if (w <= 0) return 0;
        var h = Math.Min(dh + dy, gh + gy) - Math.Max(dy, gy);
        if (h <= 0) return 0;
        var intersection = w * h;
        var union = crowd ? da : da + ga - intersection;
        return intersection / union;
    }
}
