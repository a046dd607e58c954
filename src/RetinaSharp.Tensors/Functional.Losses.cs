using RetinaSharp.Tensors.Kernels;

namespace RetinaSharp.Tensors;

public static unsafe partial class Functional
{
    /// <summary>
    /// Sigmoid focal loss (Lin et al. 2017) exactly as torchvision.ops.sigmoid_focal_loss:
    /// ce = BCEWithLogits(x, t), p_t = p·t + (1 − p)(1 − t), loss = ce·(1 − p_t)^γ, times
    /// α·t + (1 − α)(1 − t) when α ≥ 0. Computed from logits in one pass, stable for any x.
    /// </summary>
    /// <param name="weight">Optional per-element weights (same shape); 0 removes an element (an ignore mask).</param>
    public static Tensor SigmoidFocalLoss(Tensor logits, Tensor targets, float alpha = 0.25f, float gamma = 2f,
        Reduction reduction = Reduction.None, Tensor? weight = null)
    {
        if (!logits.SameShape(targets)) throw new ArgumentException($"Focal loss: logits {Tensor.FormatShape(logits.Shape)} and targets {Tensor.FormatShape(targets.Shape)} differ.");
        if (weight != null && !weight.SameShape(logits)) throw new ArgumentException("Focal loss: weight must have the logits' shape.");
        using var x = logits.ContiguousNoGrad();
        using var t = targets.ContiguousNoGrad();
        using var w = weight?.ContiguousNoGrad();
        int n = checked((int)logits.NumElements);
        var perElement = Tensor.Allocate(logits.Shape);
        var grad = logits.RequiresGrad && Autograd.IsEnabled ? Tensor.Allocate(logits.Shape) : null;
        float* px = x.FloatPointer, pt = t.FloatPointer, pl = perElement.FloatPointer;
        float* pw = w == null ? null : w.FloatPointer, pg = grad == null ? null : grad.FloatPointer;
        for (int i = 0; i < n; i++)
        {
            float wi = pw == null ? 1f : pw[i];
            if (wi == 0) { pl[i] = 0; if (pg != null) pg[i] = 0; continue; }
            FocalElement(px[i], pt[i], alpha, gamma, out float loss, out float dx);
            pl[i] = loss * wi;
            if (pg != null) pg[i] = dx * wi;
        }
        return ReduceElementwiseLoss(perElement, grad, logits, reduction, "sigmoid_focal_loss");
    }

    /// <summary>
    /// The detection form of the focal loss: logits [M, K] with one label per row (class index ≥ 0,
    /// −1 for background, −2 for ignored rows, which contribute nothing) and a weight per row (e.g.
    /// 1 / (num_foreground · num_images) of the row's image). Returns Σ_rows w·Σ_k FL. Equivalent to
    /// one-hot targets without building them.
    /// </summary>
    public static Tensor SigmoidFocalLossSparse(Tensor logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> rowWeights, float alpha = 0.25f, float gamma = 2f)
    {
        if (logits.Rank != 2) throw new ArgumentException($"Expected logits [M, K], got {Tensor.FormatShape(logits.Shape)}.");
        int m = logits.Size(0), k = logits.Size(1);
        if (labels.Length != m || rowWeights.Length != m) throw new ArgumentException($"Expected {m} labels and row weights.");
        using var x = logits.ContiguousNoGrad();
        var grad = logits.RequiresGrad && Autograd.IsEnabled ? Tensor.Allocate(logits.Shape) : null;
        float* px = x.FloatPointer, pg = grad == null ? null : grad.FloatPointer;
        int threads = Math.Max(1, Math.Min(KernelThreads.MaxThreads, m / 4096));
        var partial = new double[threads];
        var lab = labels.ToArray();
        var rw = rowWeights.ToArray();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, tid =>
        {
            int r0 = (int)((long)m * tid / threads), r1 = (int)((long)m * (tid + 1) / threads);
            double sum = 0;
            for (int r = r0; r < r1; r++)
            {
                float* xr = px + (long)r * k;
                float* gr = pg == null ? null : pg + (long)r * k;
                int label = lab[r];
                float wr = rw[r];
                if (label == -2 || wr == 0)
                {
                    if (gr != null) new Span<float>(gr, k).Clear();
                    continue;
                }
                double rowSum = 0;
                if (gamma == 2f && alpha >= 0)
                {
                    for (int j = 0; j < k; j++)
                    {
                        FocalElementGamma2(xr[j], j == label, alpha, out float loss, out float dx);
                        rowSum += loss;
                        if (gr != null) gr[j] = dx * wr;
                    }
                }
                else
                {
                    for (int j = 0; j < k; j++)
                    {
                        FocalElement(xr[j], j == label ? 1f : 0f, alpha, gamma, out float loss, out float dx);
                        rowSum += loss;
                        if (gr != null) gr[j] = dx * wr;
                    }
                }
                sum += rowSum * wr;
            }
            partial[tid] = sum;
        });
        double total = 0;
        foreach (var p in partial) total += p;
        var result = Tensor.Scalar((float)total);
        if (grad == null) return result;
        return Autograd.Record(result, "sigmoid_focal_loss_sparse", [logits], (g, gi) =>
        {
            float s = g.Item();
            gi[0] = grad.MulNoGrad(s);
        }, grad);
    }

    /// <summary>
    /// The focal loss with γ = 2 and a hard target in float32 (the training default, evaluated for
    /// every anchor and class). With z = x for a negative and −x for a positive, q = 1 − p_t = σ(z) and
    /// ce = softplus(z), so L = α_t·q²·ce and dL/dz = α_t·q²·(2(1 − q)·ce + q).
    /// </summary>
    internal static void FocalElementGamma2(float x, bool positive, float alpha, out float loss, out float dx)
    {
        // z = x for a negative (t = 0), −x for a positive: ce = softplus(z), q = σ(z), dz/dx = ±1.
        float z = positive ? -x : x;
        float e = MathF.Exp(-MathF.Abs(z));
        float ce = MathF.Max(z, 0) + MathF.Log(1 + e);
        float q = z >= 0 ? 1 / (1 + e) : e / (1 + e);
        float at = positive ? alpha : 1 - alpha;
        float q2 = q * q;
        loss = at * q2 * ce;
        // d/dz [q²·ce] = 2q·q(1−q)·ce + q²·q = q²·(2(1−q)·ce + q)
        float dz = at * q2 * (2 * (1 - q) * ce + q);
        dx = positive ? -dz : dz;
    }

    /// <summary>One element of the focal loss and its derivative with respect to the logit.</summary>
    /// <remarks>
    /// With p = σ(x), q = 1 − p_t and α_t the class weight:
    /// dL/dx = α_t · [(p − t)·q^γ − ce·γ·q^(γ−1)·p(1 − p)(2t − 1)], where dp_t/dx = p(1 − p)(2t − 1).
    /// q^(γ−1)·p(1 − p) is written as p·q^γ or (1 − p)·q^γ for hard targets so γ &lt; 1 stays finite.
    /// </remarks>
    internal static void FocalElement(float x, float t, float alpha, float gamma, out float loss, out float dx)
    {
        double xd = x;
        double p = xd >= 0 ? 1 / (1 + Math.Exp(-xd)) : Math.Exp(xd) / (1 + Math.Exp(xd));
        double ce = Math.Max(xd, 0) - xd * t + Math.Log(1 + Math.Exp(-Math.Abs(xd)));
        double pt = p * t + (1 - p) * (1 - t);
        double q = 1 - pt;
        double qg = gamma == 0 ? 1 : Math.Pow(q, gamma);
        double l = ce * qg;
        double d = (p - t) * qg;
        if (gamma != 0)
        {
            double dqTerm; // γ·q^(γ−1)·p(1 − p)
            if (t == 1) dqTerm = gamma * p * qg;            // q = 1 − p
            else if (t == 0) dqTerm = gamma * (1 - p) * qg; // q = p
            else dqTerm = q > 0 ? gamma * Math.Pow(q, gamma - 1) * p * (1 - p) : 0;
            d -= ce * dqTerm * (2 * t - 1);
        }
        if (alpha >= 0)
        {
            double at = alpha * t + (1 - alpha) * (1 - t);
            l *= at;
            d *= at;
        }
        loss = (float)l;
        dx = (float)d;
    }

    /// <summary>Binary cross entropy on logits: max(x, 0) − x·t + log(1 + e^−|x|), optionally weighted.</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean, Tensor? weight = null) =>
        SigmoidFocalLoss(logits, targets, alpha: -1, gamma: 0, reduction, weight);

    /// <summary>|x − y| (torch's l1_loss).</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, Tensor? weight = null) =>
        SmoothL1Loss(input, target, beta: 0, reduction, weight);

    /// <summary>
    /// Smooth L1 (torch semantics): 0.5·d²/β where |d| &lt; β, else |d| − 0.5·β; β = 0 is L1. The
    /// gradient flows to the input only (targets are constants in detection).
    /// </summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, float beta = 1f, Reduction reduction = Reduction.Mean, Tensor? weight = null)
    {
        if (!input.SameShape(target)) throw new ArgumentException($"Loss: input {Tensor.FormatShape(input.Shape)} and target {Tensor.FormatShape(target.Shape)} differ.");
        if (weight != null && !weight.SameShape(input)) throw new ArgumentException("Loss: weight must have the input's shape.");
        using var x = input.ContiguousNoGrad();
        using var y = target.ContiguousNoGrad();
        using var w = weight?.ContiguousNoGrad();
        int n = checked((int)input.NumElements);
        var perElement = Tensor.Allocate(input.Shape);
        var grad = input.RequiresGrad && Autograd.IsEnabled ? Tensor.Allocate(input.Shape) : null;
        float* px = x.FloatPointer, py = y.FloatPointer, pl = perElement.FloatPointer;
        float* pw = w == null ? null : w.FloatPointer, pg = grad == null ? null : grad.FloatPointer;
        for (int i = 0; i < n; i++)
        {
            float d = px[i] - py[i], ad = MathF.Abs(d), wi = pw == null ? 1f : pw[i];
            float l, g;
            if (ad < beta) { l = 0.5f * d * d / beta; g = d / beta; }
            else { l = ad - 0.5f * beta; g = MathF.Sign(d); }
            pl[i] = l * wi;
            if (pg != null) pg[i] = g * wi;
        }
        return ReduceElementwiseLoss(perElement, grad, input, reduction, beta == 0 ? "l1_loss" : "smooth_l1_loss");
    }

    /// <summary>Reduces per-element loss values whose element-wise gradient is precomputed.</summary>
    private static Tensor ReduceElementwiseLoss(Tensor perElement, Tensor? grad, Tensor input, Reduction reduction, string name)
    {
        if (reduction == Reduction.None)
        {
            if (grad == null) return perElement;
            return Autograd.Record(perElement, name, [input], (g, gi) => gi[0] = ElementwiseLoop.Binary(g, grad, BinaryOp.Mul), grad);
        }
        double s = 0;
        foreach (var v in perElement.Data) s += v;
        long count = perElement.NumElements;
        perElement.Dispose();
        float scale = reduction == Reduction.Mean ? 1f / Math.Max(1, count) : 1f;
        var result = Tensor.Scalar((float)(s * scale));
        if (grad == null) return result;
        return Autograd.Record(result, name, [input], (g, gi) => gi[0] = grad.MulNoGrad(g.Item() * scale), grad);
    }

    /// <summary>
    /// 1 − GIoU for paired boxes [M, 4] in (x1, y1, x2, y2), like torchvision.ops.generalized_box_iou_loss
    /// (eps 1e-7). Built from differentiable ops, so gradients reach both inputs.
    /// </summary>
    public static Tensor GeneralizedBoxIouLoss(Tensor boxes1, Tensor boxes2, Reduction reduction = Reduction.None, float eps = 1e-7f)
    {
        if (boxes1.Rank != 2 || boxes1.Size(1) != 4 || !boxes1.SameShape(boxes2))
            throw new ArgumentException($"GIoU loss expects two [M, 4] box tensors, got {Tensor.FormatShape(boxes1.Shape)} and {Tensor.FormatShape(boxes2.Shape)}.");
        using var scope = TensorScope.Enter();
        Tensor Col(Tensor b, int i) => b.Narrow(1, i, 1);
        var (x1, y1, x2, y2) = (Col(boxes1, 0), Col(boxes1, 1), Col(boxes1, 2), Col(boxes1, 3));
        var (x1g, y1g, x2g, y2g) = (Col(boxes2, 0), Col(boxes2, 1), Col(boxes2, 2), Col(boxes2, 3));
        var xkis1 = x1.Maximum(x1g);
        var ykis1 = y1.Maximum(y1g);
        var xkis2 = x2.Minimum(x2g);
        var ykis2 = y2.Minimum(y2g);
        var inter = (xkis2 - xkis1).Clamp(min: 0) * (ykis2 - ykis1).Clamp(min: 0);
        var union = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - inter;
        var iou = inter / (union + eps);
        var xc1 = x1.Minimum(x1g);
        var yc1 = y1.Minimum(y1g);
        var xc2 = x2.Maximum(x2g);
        var yc2 = y2.Maximum(y2g);
        var area = (xc2 - xc1) * (yc2 - yc1);
        var miou = iou - (area - union) / (area + eps);
        var loss = (1f - miou).Reshape(-1);
        var result = reduction switch
        {
            Reduction.Sum => loss.Sum(),
            Reduction.Mean => loss.Mean(),
            _ => loss.Alias(),
        };
        return result.MoveToOuterScope();
    }

    /// <summary>Rows of a [M, ...] tensor at <paramref name="indices"/> (dim 0); the gradient scatters back.</summary>
    public static Tensor IndexSelectRows(Tensor input, ReadOnlySpan<int> indices)
    {
        int m = input.Size(0);
        int row = checked((int)(input.NumElements / Math.Max(1, m)));
        var shape = input.Shape.ToArray();
        shape[0] = indices.Length;
        var output = Tensor.Allocate(shape);
        var idx = indices.ToArray();
        using (var x = input.ContiguousNoGrad())
        {
            float* px = x.FloatPointer, py = output.FloatPointer;
            for (int i = 0; i < idx.Length; i++)
            {
                if ((uint)idx[i] >= (uint)m) throw new IndexOutOfRangeException($"Row index {idx[i]} out of range for {m} rows.");
                new ReadOnlySpan<float>(px + (long)idx[i] * row, row).CopyTo(new Span<float>(py + (long)i * row, row));
            }
        }
        var inShape = input.Shape.ToArray();
        return Autograd.Record(output, "index_select_rows", [input], (g, gi) =>
        {
            var gx = Tensor.Zeros(inShape);
            using var gc = g.ContiguousNoGrad();
            float* pg = gc.FloatPointer, pgx = gx.FloatPointer;
            for (int i = 0; i < idx.Length; i++)
            {
                float* d = pgx + (long)idx[i] * row;
                float* s = pg + (long)i * row;
                for (int j = 0; j < row; j++) d[j] += s[j];
            }
            gi[0] = gx;
        });
    }
}
