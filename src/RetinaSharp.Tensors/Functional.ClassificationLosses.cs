namespace RetinaSharp.Tensors;

public static unsafe partial class Functional
{
    /// <summary>
    /// α-balanced binary cross entropy, −α_t·log p_t with α_t = α for positives and 1 − α for
    /// negatives: the focal loss with γ = 0 (torchvision's sigmoid_focal_loss(gamma=0)), the baseline
    /// the focal loss paper compares against. Same weights, mask and reductions as
    /// <see cref="SigmoidFocalLoss"/>; α &lt; 0 gives plain cross entropy.
    /// </summary>
    public static Tensor AlphaBalancedCrossEntropy(Tensor logits, Tensor targets, float alpha = 0.75f,
        Reduction reduction = Reduction.Mean, Tensor? weight = null, Tensor? mask = null) =>
        SigmoidFocalLoss(logits, targets, alpha, 0f, reduction, weight, mask);

    /// <summary>
    /// Softmax focal loss for single-label multi-class problems: with p = softmax(x) and p_t the
    /// probability of the target class, FL = −α[y]·(1 − p_t)^γ·log p_t. γ = 0 is (class-weighted)
    /// cross entropy. Labels below 0 are ignored; <see cref="Reduction.Mean"/> averages over the
    /// rows that are not.
    /// </summary>
    /// <param name="logits">[N, C] scores.</param>
    /// <param name="labels">Target class per row (0..C−1), or negative to ignore the row.</param>
    /// <param name="alpha">Per-class weights (length C), or null for 1.</param>
    public static Tensor SoftmaxFocalLoss(Tensor logits, ReadOnlySpan<int> labels, float gamma = 2f, ReadOnlySpan<float> alpha = default,
        Reduction reduction = Reduction.Mean)
    {
        if (logits.Rank != 2) throw new ArgumentException($"Expected logits [N, C], got {Tensor.FormatShape(logits.Shape)}.");
        int n = logits.Size(0), c = logits.Size(1);
        if (labels.Length != n) throw new ArgumentException($"Expected {n} labels, got {labels.Length}.");
        if (!alpha.IsEmpty && alpha.Length != c) throw new ArgumentException($"Expected {c} class weights, got {alpha.Length}.");
        using var x = logits.ContiguousNoGrad();
        var perRow = new float[n];
        var grad = logits.RequiresGrad && Autograd.IsEnabled ? Tensor.Allocate(logits.Shape) : null;
        float* px = x.FloatPointer, pg = grad == null ? null : grad.FloatPointer;
        var probs = new double[c];
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            int y = labels[i];
            float* row = px + (long)i * c;
            float* grow = pg == null ? null : pg + (long)i * c;
            if (y < 0)
            {
                if (grow != null) new Span<float>(grow, c).Clear();
                continue;
            }
            if (y >= c) throw new ArgumentOutOfRangeException(nameof(labels), $"Label {y} of row {i} is not a class index below {c}.");
            kept++;
            double max = double.NegativeInfinity;
            for (int j = 0; j < c; j++) max = Math.Max(max, row[j]);
            double sum = 0;
            for (int j = 0; j < c; j++) sum += probs[j] = Math.Exp(row[j] - max);
            for (int j = 0; j < c; j++) probs[j] /= sum;
            double logPt = row[y] - max - Math.Log(sum);
            double pt = probs[y], q = 1 - pt;
            double a = alpha.IsEmpty ? 1 : alpha[y];
            double qg = gamma == 0 ? 1 : Math.Pow(q, gamma);
            perRow[i] = (float)(-a * qg * logPt);
            if (grow == null) continue;
            // dL/dx_j = −α·(δ_jy − p_j)·[(1 − p_t)^γ − γ·p_t·(1 − p_t)^(γ−1)·log p_t]
            double coef = qg - (gamma == 0 || q <= 0 ? 0 : gamma * pt * Math.Pow(q, gamma - 1) * logPt);
            for (int j = 0; j < c; j++) grow[j] = (float)(-a * coef * ((j == y ? 1 : 0) - probs[j]));
        }
        var losses = Tensor.FromArray(perRow, n);
        if (reduction == Reduction.None)
        {
            if (grad == null) return losses;
            return Autograd.Record(losses, "softmax_focal_loss", [logits], (g, gi) =>
            {
                using var gr = g.Reshape(n, 1);
                gi[0] = ElementwiseLoop.Binary(grad, gr, BinaryOp.Mul);
            }, grad);
        }
        double total = 0;
        foreach (var v in perRow) total += v;
        losses.Dispose();
        float scale = reduction == Reduction.Mean ? 1f / Math.Max(1, kept) : 1f;
        var result = Tensor.Scalar((float)(total * scale));
        if (grad == null) return result;
        return Autograd.Record(result, "softmax_focal_loss", [logits], (g, gi) => gi[0] = grad.Mul(g.Item() * scale), grad);
    }

    /// <summary>
    /// Dice loss on sigmoid probabilities, per sample: 1 − (2·Σ p·t + s) / (Σ p + Σ t + s) over all
    /// elements after the first dimension (s = <paramref name="smooth"/>, 1 as in DETR and SAM),
    /// reduced over samples. For masks and other dense binary targets.
    /// </summary>
    public static Tensor DiceLoss(Tensor logits, Tensor targets, float smooth = 1f, Reduction reduction = Reduction.Mean)
    {
        if (!logits.SameShape(targets)) throw new ArgumentException($"Dice loss: logits {Tensor.FormatShape(logits.Shape)} and targets {Tensor.FormatShape(targets.Shape)} differ.");
        int n = logits.Size(0);
        using var scope = TensorScope.Enter();
        var p = logits.Sigmoid().Reshape(n, -1);
        var t = targets.Reshape(n, -1);
        var num = (p * t).Sum(1) * 2f + smooth;
        var den = p.Sum(1) + t.Sum(1) + smooth;
        var loss = 1f - num / den;
        var result = reduction switch
        {
            Reduction.Sum => loss.Sum(),
            Reduction.Mean => loss.Mean(),
            _ => loss.Alias(),
        };
        return result.MoveToOuterScope();
    }

    /// <summary>
    /// The mask loss of SAM: <paramref name="focalWeight"/> × mean sigmoid focal loss +
    /// <paramref name="diceWeight"/> × mean dice loss (20 : 1 in the paper).
    /// </summary>
    public static Tensor FocalDiceLoss(Tensor logits, Tensor targets, float focalWeight = 20f, float diceWeight = 1f, float alpha = 0.25f, float gamma = 2f)
    {
        using var focal = SigmoidFocalLoss(logits, targets, alpha, gamma, Reduction.Mean);
        using var dice = DiceLoss(logits, targets);
        using var a = focal.Mul(focalWeight);
        using var b = dice.Mul(diceWeight);
        return a.Add(b);
    }
}
