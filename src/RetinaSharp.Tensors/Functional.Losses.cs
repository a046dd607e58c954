namespace RetinaSharp.Tensors;

public static unsafe partial class Functional
{
    /// <summary>
    /// Binary cross entropy on logits (torch's binary_cross_entropy_with_logits):
    /// max(x, 0) − x·t + log(1 + e^−|x|), stable for any x, optionally weighted by a constant
    /// <paramref name="weight"/> that broadcasts to the logits. One fused pass; the gradient goes to
    /// the logits.
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean, Tensor? weight = null)
    {
        RejectTargetGradient(targets, "BinaryCrossEntropyWithLogits");
        return ElementwiseLoss(new BceWithLogitsKernel(), "binary_cross_entropy_with_logits", logits, targets, reduction, weight, targetGradient: false);
    }

    /// <summary>|input − target| (torch's l1_loss), optionally weighted. Gradients reach both operands.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, Tensor? weight = null) =>
        ElementwiseLoss(new L1Kernel(), "l1_loss", input, target, reduction, weight, targetGradient: true);

    /// <summary>
    /// Smooth L1 with torch's semantics: 0.5·d²/β where |d| &lt; β, else |d| − 0.5·β; β = 0 is exactly
    /// L1. Optionally weighted; gradients reach both operands.
    /// </summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, float beta = 1f, Reduction reduction = Reduction.Mean, Tensor? weight = null)
    {
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), "SmoothL1Loss needs beta ≥ 0.");
        return beta == 0
            ? ElementwiseLoss(new L1Kernel(), "smooth_l1_loss", input, target, reduction, weight, targetGradient: true)
            : ElementwiseLoss(new SmoothL1Kernel(beta), "smooth_l1_loss", input, target, reduction, weight, targetGradient: true);
    }

    /// <summary>Rows (dim 0) of <paramref name="input"/> at <paramref name="indices"/>; the gradient scatters back.</summary>
    public static Tensor IndexSelectRows(Tensor input, ReadOnlySpan<int> indices) => input.IndexSelect(0, indices);

    /// <summary>
    /// One pass of a per-element loss over same-shaped prediction and target: the loss (reduced or
    /// not) and its derivative, saved for backward when needed.
    /// </summary>
    private static Tensor ElementwiseLoss<T>(T kernel, string name, Tensor input, Tensor target, Reduction reduction, Tensor? weight, bool targetGradient)
        where T : struct, ILossKernel
    {
        input.RequireFloat();
        target.RequireFloat();
        if (!input.SameShape(target))
            throw new ArgumentException($"{name}: input {Tensor.FormatShape(input.Shape)} and target {Tensor.FormatShape(target.Shape)} differ.");
        long n = input.NumElements;
        bool needGrad = Autograd.NeedsGrad(input) || (targetGradient && Autograd.NeedsGrad(target));
        var output = reduction == Reduction.None ? Tensor.Allocate(input.Shape) : Tensor.Allocate([]);
        var grad = needGrad ? Tensor.Allocate(input.Shape, track: false) : null;
        double total;
        using (var x = input.ContiguousNoGrad())
        using (var t = target.ContiguousNoGrad())
        using (var w = WeightAt(weight, input.Shape))
        {
            total = LossDriver.Run(kernel, x.FloatPointer, t.FloatPointer, w == null ? null : w.FloatPointer, null, Math.Max(n, 1), n,
                reduction == Reduction.None ? output.FloatPointer : null, grad == null ? null : grad.FloatPointer,
                reduction == Reduction.Mean ? 1f / n : 1f);
        }
        if (reduction != Reduction.None)
            output.Data[0] = (float)(reduction == Reduction.Mean ? total / n : total);
        return RecordPrecomputedGradient(output, name, input, grad, reduction, targetGradient ? target : null, negateForSecond: true);
    }

    /// <summary>A constant weight broadcast to <paramref name="shape"/> as a contiguous tensor (null stays null).</summary>
    private static Tensor? WeightAt(Tensor? weight, ReadOnlySpan<int> shape)
    {
        if (weight == null) return null;
        weight.RequireFloat();
        using var e = weight.Detach();
        using var x = e.Expand(shape);
        return x.ContiguousNoGrad();
    }
}
