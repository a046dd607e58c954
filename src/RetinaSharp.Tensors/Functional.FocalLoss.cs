namespace RetinaSharp.Tensors;

public static unsafe partial class Functional
{
    /// <summary>
    /// Sigmoid focal loss (Lin et al. 2017) exactly as torchvision.ops.sigmoid_focal_loss:
    /// ce = BCE-with-logits(x, t), p_t = p·t + (1 − p)(1 − t), loss = ce·(1 − p_t)^γ, times
    /// α·t + (1 − α)(1 − t) when α ≥ 0 (α &lt; 0 disables the weighting). One fused pass, stable for
    /// any logit, with an analytic gradient with respect to the logits (targets are constants).
    /// </summary>
    /// <param name="logits">Predictions of any shape.</param>
    /// <param name="targets">Targets in [0, 1], same shape.</param>
    /// <param name="weight">Optional constant weights, same shape as the logits or one per row (the logits' shape without its last dimension).</param>
    /// <param name="mask">
    /// Optional Bool mask, same shape as the logits or one per row: elements (rows) where it is false
    /// contribute nothing, and masked rows are skipped entirely. With a mask, Mean divides by the
    /// number of elements it keeps.
    /// </param>
    public static Tensor SigmoidFocalLoss(Tensor logits, Tensor targets, float alpha = 0.25f, float gamma = 2f,
        Reduction reduction = Reduction.None, Tensor? weight = null, Tensor? mask = null)
    {
        logits.RequireFloat();
        targets.RequireFloat();
        if (!logits.SameShape(targets))
            throw new ArgumentException($"Focal loss: logits {Tensor.FormatShape(logits.Shape)} and targets {Tensor.FormatShape(targets.Shape)} differ.");
        RejectTargetGradient(targets, "SigmoidFocalLoss");
        if (!(gamma >= 0)) throw new ArgumentOutOfRangeException(nameof(gamma), "gamma must be ≥ 0.");
        long n = logits.NumElements;
        long rowLength = logits.Rank == 0 ? 1 : logits.Size(-1);
        long rows = rowLength == 0 ? 0 : n / rowLength;

        // Fold mask and weight into row weights and/or element weights (0 = contributes nothing).
        float[]? rowWeights = null;
        Tensor? elementWeights = null;
        long kept = n;
        try
        {
            if (mask != null)
            {
                if (mask.DType != DType.Bool) throw new ArgumentException($"Focal loss mask must be Bool, got {mask.DType}.");
                kept = mask.CountNonZero() * (IsRowShaped(mask, logits) ? rowLength : 1);
            }
            ApplyWeighting(logits, mask, isMask: true, ref rowWeights, ref elementWeights);
            ApplyWeighting(logits, weight, isMask: false, ref rowWeights, ref elementWeights);

            bool needGrad = Autograd.NeedsGrad(logits);
            var output = reduction == Reduction.None ? Tensor.Allocate(logits.Shape) : Tensor.Allocate([]);
            var grad = needGrad ? Tensor.Allocate(logits.Shape, track: false) : null;
            float gradScale = reduction == Reduction.Mean ? 1f / kept : 1f;
            double total;
            using (var x = logits.ContiguousNoGrad())
            using (var t = targets.ContiguousNoGrad())
            fixed (float* rw = rowWeights)
            {
                float* pw = elementWeights == null ? null : elementWeights.FloatPointer;
                float* pl = reduction == Reduction.None ? output.FloatPointer : null;
                float* pg = grad == null ? null : grad.FloatPointer;
                total = RunFocal(alpha, gamma, x.FloatPointer, t.FloatPointer, pw, rw, rowLength, n, pl, pg, gradScale);
            }
            if (reduction != Reduction.None)
                output.Data[0] = (float)(reduction == Reduction.Mean ? total / kept : total);
            return RecordPrecomputedGradient(output, "sigmoid_focal_loss", logits, grad, reduction);
        }
        finally
        {
            elementWeights?.Dispose();
        }
    }

    /// <summary>
    /// The detection form of the focal loss without one-hot targets: logits [M, K] with one label per
    /// row (a class in [0, K), −1 for background = all-zero targets, ≤ −2 for an ignored row, which
    /// costs nothing) and a weight per row (e.g. 1 / (foreground count · image count) of the row's
    /// image). Returns the scalar Σ_rows w·Σ_k FL(x, one-hot(label)).
    /// </summary>
    public static Tensor SigmoidFocalLossSparse(Tensor logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> rowWeights, float alpha = 0.25f, float gamma = 2f)
    {
        logits.RequireFloat();
        if (logits.Rank != 2) throw new ArgumentException($"Sparse focal loss needs logits [M, K], got {Tensor.FormatShape(logits.Shape)}.");
        if (!(gamma >= 0)) throw new ArgumentOutOfRangeException(nameof(gamma), "gamma must be ≥ 0.");
        int m = logits.Size(0), k = logits.Size(1);
        if (labels.Length != m || rowWeights.Length != m)
            throw new ArgumentException($"Sparse focal loss: {m} rows but {labels.Length} labels and {rowWeights.Length} row weights.");
        var rw = new float[m];
        for (int r = 0; r < m; r++)
        {
            int label = labels[r];
            if (label >= k) throw new ArgumentOutOfRangeException(nameof(labels), $"Label {label} of row {r} is not below the class count {k}.");
            rw[r] = label <= -2 ? 0f : rowWeights[r];
        }
        bool needGrad = Autograd.NeedsGrad(logits);
        var output = Tensor.Allocate([]);
        var grad = needGrad ? Tensor.Allocate(logits.Shape, track: false) : null;
        double total;
        using (var x = logits.ContiguousNoGrad())
        fixed (float* prw = rw)
        {
            float* px = x.FloatPointer;
            float* pg = grad == null ? null : grad.FloatPointer;
            // Every element as a negative first, then the one positive per foreground row is redone.
            total = RunFocal(alpha, gamma, px, null, null, prw, k, (long)m * k, null, pg, 1f);
            for (int r = 0; r < m; r++)
            {
                int label = labels[r];
                if (label < 0 || rw[r] == 0) continue;
                float xv = px[(long)r * k + label];
                var (l0, _) = FocalOne(alpha, gamma, xv, 0f);
                var (l1, g1) = FocalOne(alpha, gamma, xv, 1f);
                total += (double)rw[r] * l1 - (double)rw[r] * l0;
                if (pg != null) pg[(long)r * k + label] = g1 * rw[r];
            }
        }
        output.Data[0] = (float)total;
        return RecordPrecomputedGradient(output, "sigmoid_focal_loss_sparse", logits, grad, Reduction.Sum);
    }

    private static double RunFocal(float alpha, float gamma, float* x, float* t, float* w, float* rw, long rowLength, long n,
        float* lossOut, float* gradOut, float gradScale)
    {
        if (gamma == 2f)
            return LossDriver.Run(new FocalLossKernel<FocalGamma2>(alpha, gamma), x, t, w, rw, rowLength, n, lossOut, gradOut, gradScale);
        if (gamma == 0f)
            return LossDriver.Run(new FocalLossKernel<FocalGamma0>(alpha, gamma), x, t, w, rw, rowLength, n, lossOut, gradOut, gradScale);
        return LossDriver.Run(new FocalLossKernel<FocalGammaAny>(alpha, gamma), x, t, w, rw, rowLength, n, lossOut, gradOut, gradScale);
    }

    private static (float Loss, float Grad) FocalOne(float alpha, float gamma, float x, float t) =>
        gamma == 2f ? LossDriver.One(new FocalLossKernel<FocalGamma2>(alpha, gamma), x, t)
        : gamma == 0f ? LossDriver.One(new FocalLossKernel<FocalGamma0>(alpha, gamma), x, t)
        : LossDriver.One(new FocalLossKernel<FocalGammaAny>(alpha, gamma), x, t);

    /// <summary>Whether a mask or weight holds one value per row (the logits' shape without the last dimension).</summary>
    private static bool IsRowShaped(Tensor t, Tensor logits) =>
        logits.Rank >= 1 && t.Rank == logits.Rank - 1 && t.Shape.SequenceEqual(logits.Shape[..^1]) && !t.SameShape(logits);

    /// <summary>Merges a mask (0/1) or weight into the row or element weights.</summary>
    private static void ApplyWeighting(Tensor logits, Tensor? t, bool isMask, ref float[]? rowWeights, ref Tensor? elementWeights)
    {
        if (t == null) return;
        if (!isMask) t.RequireFloat();
        using var values = isMask ? t.ToDType(DType.Float32) : t.ContiguousNoGrad();
        var what = isMask ? "mask" : "weight";
        if (IsRowShaped(t, logits))
        {
            var v = values.Data;
            if (rowWeights == null) rowWeights = v.ToArray();
            else for (int i = 0; i < rowWeights.Length; i++) rowWeights[i] *= v[i];
        }
        else if (t.SameShape(logits))
        {
            if (elementWeights == null) elementWeights = values.CloneDetached().DetachFromScope();
            else System.Numerics.Tensors.TensorPrimitives.Multiply(elementWeights.Data, values.Data, elementWeights.Data);
        }
        else
        {
            throw new ArgumentException($"Focal loss {what} {Tensor.FormatShape(t.Shape)} must match the logits {Tensor.FormatShape(logits.Shape)} or their rows.");
        }
    }

    /// <summary>
    /// Records a loss whose derivative with respect to <paramref name="input"/> was computed in the
    /// forward pass (already including the 1/count of a mean): backward only scales it by the
    /// incoming gradient.
    /// </summary>
    private static Tensor RecordPrecomputedGradient(Tensor output, string name, Tensor input, Tensor? grad, Reduction reduction, Tensor? second = null, bool negateForSecond = false)
    {
        if (grad == null) return output;
        Tensor[] inputs = second == null ? [input] : [input, second];
        return Autograd.Record(output, name, inputs, (g, gi) =>
        {
            var d = Tensor.Allocate(grad.Shape);
            if (reduction == Reduction.None)
            {
                using var gc = g.ContiguousNoGrad();
                SpanMap.Run(new MulSpan(), gc.FloatPointer, grad.FloatPointer, d.FloatPointer, d.NumElements);
            }
            else
            {
                float s = g.Item();
                SpanMap.Run(new VectorSpanOp1<AffineOp>(new AffineOp(s, 0f)), grad.FloatPointer, d.FloatPointer, d.NumElements);
            }
            if (input.RequiresGrad) gi[0] = d;
            if (second != null && second.RequiresGrad)
            {
                if (input.RequiresGrad) gi[1] = d.Mul(negateForSecond ? -1f : 1f);
                else
                {
                    if (negateForSecond) d.MulInPlace(-1f);
                    gi[1] = d;
                }
            }
            else if (!input.RequiresGrad) d.Dispose();
        }, grad);
    }

    private static void RejectTargetGradient(Tensor targets, string op)
    {
        if (Autograd.NeedsGrad(targets))
            throw new NotSupportedException($"{op} does not differentiate with respect to its targets; pass targets that do not require grad (Detach()).");
    }
}
