namespace RetinaSharp.Tensors;

public static unsafe partial class Functional
{
    /// <summary>
    /// 1 − GIoU of paired boxes [..., 4] in (x1, y1, x2, y2), exactly torchvision.ops.generalized_box_iou_loss:
    /// intersection counted only where both overlaps are strictly positive, iou = inter/(union + eps),
    /// loss = 1 − iou + (area_c − union)/(area_c + eps) with area_c the smallest enclosing box. Computed
    /// per box in double in one pass with an analytic gradient for both box sets (at ties of the
    /// min/max the gradient is split in half, as torch does). Mean of no boxes is 0, as in torchvision.
    /// </summary>
    public static Tensor GeneralizedBoxIouLoss(Tensor boxes1, Tensor boxes2, Reduction reduction = Reduction.None, float eps = 1e-7f)
    {
        boxes1.RequireFloat();
        boxes2.RequireFloat();
        if (!boxes1.SameShape(boxes2) || boxes1.Rank < 1 || boxes1.Size(-1) != 4)
            throw new ArgumentException($"GIoU loss needs two [..., 4] box tensors of one shape, got {Tensor.FormatShape(boxes1.Shape)} and {Tensor.FormatShape(boxes2.Shape)}.");
        int count = checked((int)(boxes1.NumElements / 4));
        bool needGrad = Autograd.NeedsGrad(boxes1, boxes2);
        var output = reduction == Reduction.None ? Tensor.Allocate(boxes1.Shape[..^1]) : Tensor.Allocate([]);
        var grad1 = needGrad ? Tensor.Allocate(boxes1.Shape, track: false) : null;
        var grad2 = needGrad ? Tensor.Allocate(boxes1.Shape, track: false) : null;
        double total = 0, scale = reduction == Reduction.Mean ? 1.0 / Math.Max(count, 1) : 1.0;
        using (var a = boxes1.ContiguousNoGrad())
        using (var b = boxes2.ContiguousNoGrad())
        {
            float* pa = a.FloatPointer, pb = b.FloatPointer;
            float* pl = reduction == Reduction.None ? output.FloatPointer : null;
            float* g1 = grad1 == null ? null : grad1.FloatPointer, g2 = grad2 == null ? null : grad2.FloatPointer;
            Span<double> da = stackalloc double[4];
            Span<double> db = stackalloc double[4];
            for (int i = 0; i < count; i++)
            {
                double loss = GiouLossOne(pa + 4 * i, pb + 4 * i, eps, da, db);
                total += loss;
                if (pl != null) pl[i] = (float)loss;
                if (g1 == null) continue;
                for (int k = 0; k < 4; k++)
                {
                    g1[4 * i + k] = (float)(da[k] * scale);
                    g2[4 * i + k] = (float)(db[k] * scale);
                }
            }
        }
        if (reduction != Reduction.None) output.Data[0] = (float)(total * scale);
        if (grad1 == null) return output;
        return Autograd.Record(output, "generalized_box_iou_loss", [boxes1, boxes2], (g, gi) =>
        {
            for (int side = 0; side < 2; side++)
            {
                var input = side == 0 ? boxes1 : boxes2;
                if (!input.RequiresGrad) continue;
                var src = side == 0 ? grad1 : grad2!;
                var d = Tensor.Allocate(src.Shape);
                float* ps = src.FloatPointer, pd = d.FloatPointer;
                if (reduction == Reduction.None)
                {
                    using var gc = g.ContiguousNoGrad();
                    float* pg = gc.FloatPointer;
                    for (int i = 0; i < count; i++)
                        for (int k = 0; k < 4; k++) pd[4 * i + k] = ps[4 * i + k] * pg[i];
                }
                else
                {
                    float s = g.Item();
                    for (long j = 0; j < d.NumElements; j++) pd[j] = ps[j] * s;
                }
                gi[side] = d;
            }
        }, grad1, grad2!);
    }

    /// <summary>Same as <see cref="GeneralizedBoxIouLoss"/>.</summary>
    public static Tensor GiouLoss(Tensor boxes1, Tensor boxes2, Reduction reduction = Reduction.None, float eps = 1e-7f) =>
        GeneralizedBoxIouLoss(boxes1, boxes2, reduction, eps);

    /// <summary>
    /// 1 − GIoU of one box pair and its gradient with respect to both boxes. With U = union + eps and
    /// C = enclosing area + eps: giou = I/U − (C − eps − union)/C, so
    ///   ∂giou/∂union = −I/U² + 1/C,  ∂giou/∂I (direct) = 1/U,  ∂giou/∂C = −U/C²,
    /// union = a1 + a2 − I, and the corners reach the areas through products and the min/max.
    /// </summary>
    private static double GiouLossOne(float* p, float* q, float eps, Span<double> dp, Span<double> dq)
    {
        double x1 = p[0], y1 = p[1], x2 = p[2], y2 = p[3];
        double X1 = q[0], Y1 = q[1], X2 = q[2], Y2 = q[3];
        double ix1 = Math.Max(x1, X1), iy1 = Math.Max(y1, Y1), ix2 = Math.Min(x2, X2), iy2 = Math.Min(y2, Y2);
        double iw = ix2 - ix1, ih = iy2 - iy1;
        bool overlap = iy2 > iy1 && ix2 > ix1;
        double inter = overlap ? iw * ih : 0;
        double w1 = x2 - x1, h1 = y2 - y1, w2 = X2 - X1, h2 = Y2 - Y1;
        double union = w1 * h1 + w2 * h2 - inter;
        double u = union + eps;
        double cx1 = Math.Min(x1, X1), cy1 = Math.Min(y1, Y1), cx2 = Math.Max(x2, X2), cy2 = Math.Max(y2, Y2);
        double cw = cx2 - cx1, ch = cy2 - cy1, areaC = cw * ch, c = areaC + eps;
        double giou = inter / u - (areaC - union) / c;

        double gUnion = -inter / (u * u) + 1 / c;
        double gInter = 1 / u - gUnion;
        double gC = -u / (c * c);
        dp.Clear();
        dq.Clear();
        // Own areas.
        dp[0] -= gUnion * h1; dp[2] += gUnion * h1; dp[1] -= gUnion * w1; dp[3] += gUnion * w1;
        dq[0] -= gUnion * h2; dq[2] += gUnion * h2; dq[1] -= gUnion * w2; dq[3] += gUnion * w2;
        if (overlap)
        {
            Route(dp, dq, 0, x1, X1, larger: true, -gInter * ih);
            Route(dp, dq, 1, y1, Y1, larger: true, -gInter * iw);
            Route(dp, dq, 2, x2, X2, larger: false, gInter * ih);
            Route(dp, dq, 3, y2, Y2, larger: false, gInter * iw);
        }
        Route(dp, dq, 0, x1, X1, larger: false, -gC * ch);
        Route(dp, dq, 1, y1, Y1, larger: false, -gC * cw);
        Route(dp, dq, 2, x2, X2, larger: true, gC * ch);
        Route(dp, dq, 3, y2, Y2, larger: true, gC * cw);
        // The loss is 1 − giou.
        for (int k = 0; k < 4; k++)
        {
            dp[k] = -dp[k];
            dq[k] = -dq[k];
        }
        return 1 - giou;
    }

    /// <summary>Adds g to the operand a max (or min) picked; half to each on a tie.</summary>
    private static void Route(Span<double> dp, Span<double> dq, int k, double a, double b, bool larger, double g)
    {
        if (a == b)
        {
            dp[k] += g / 2;
            dq[k] += g / 2;
        }
        else if ((a > b) == larger) dp[k] += g;
        else dq[k] += g;
    }
}
