using System.Runtime.InteropServices;
using RetinaSharp.Anchors;
using RetinaSharp.Boxes;
using RetinaSharp.Structures;
using RetinaSharp.Matching;
using RetinaSharp.Tensors;

namespace RetinaSharp.Losses;

/// <summary>The two terms of the RetinaNet loss and what went into them.</summary>
public sealed record RetinaNetLossResult(Tensor Classification, Tensor BoxRegression, int ForegroundAnchors, int IgnoredAnchors) : IDisposable
{
    public void Dispose()
    {
        Classification.Dispose();
        BoxRegression.Dispose();
    }
}

/// <summary>
/// The RetinaNet training loss as torchvision computes it: for each image, the classification loss
/// summed over all non-ignored anchors and classes, and the box loss summed over foreground
/// anchors, each divided by max(1, that image's foreground count); then averaged over images.
/// Matching and target encoding run for the whole batch in parallel on plain arrays.
/// </summary>
public sealed class RetinaNetLoss(RetinaNetLossOptions options)
{
    private readonly Matcher _matcher = new(options.ForegroundIou, options.BackgroundIou, options.AllowLowQualityMatches);
    private readonly BoxCoder _coder = new();

    public RetinaNetLossOptions Config { get; } = options;

    /// <param name="classLogits">[N, A, K].</param>
    /// <param name="boxRegression">[N, A, 4].</param>
    public RetinaNetLossResult Compute(Tensor classLogits, Tensor boxRegression, AnchorSet anchors, IReadOnlyList<DetectionTarget> targets)
    {
        int n = classLogits.Size(0), a = classLogits.Size(1), k = classLogits.Size(2);
        if (targets.Count != n) throw new ArgumentException($"{targets.Count} targets for a batch of {n} images.");
        if (anchors.Count != a) throw new ArgumentException($"{anchors.Count} anchors for head outputs with {a} per image.");
        var labels = new int[n * a];
        var rowWeights = new float[n * a];
        var fgCounts = new int[n];
        var ignored = new int[n];
        var matchedPerImage = new int[n][];
        Parallel.For(0, n, i =>
        {
            var t = targets[i];
            var m = new int[a];
            _matcher.Match(MemoryMarshal.Cast<Box, float>(t.Boxes.AsSpan()), anchors.Boxes, m, MemoryMarshal.Cast<Box, float>(t.IgnoreRegions.AsSpan()));
            int fg = 0, ign = 0;
            for (int j = 0; j < a; j++)
            {
                int mj = m[j];
                labels[i * a + j] = mj >= 0 ? t.Labels[mj] : mj;
                if (mj >= 0) fg++;
                else if (mj == Matcher.Ignore) ign++;
            }
            float w = 1f / (Math.Max(1, fg) * n);
            rowWeights.AsSpan(i * a, a).Fill(w);
            fgCounts[i] = fg;
            ignored[i] = ign;
            matchedPerImage[i] = m;
        });

        using var flatLogits = classLogits.Reshape(n * a, k);
        var cls = ClassificationLoss(flatLogits, labels, rowWeights, anchors, n, a);

        int totalFg = 0;
        foreach (var c in fgCounts) totalFg += c;
        var fgRows = new int[totalFg];
        var fgWeights = new float[totalFg];
        var fgAnchors = new float[totalFg * 4];
        var fgGt = new float[totalFg * 4];
        int at = 0;
        for (int i = 0; i < n; i++)
        {
            var m = matchedPerImage[i];
            var boxes = targets[i].Boxes;
            for (int j = 0; j < a; j++)
            {
                if (m[j] < 0) continue;
                fgRows[at] = i * a + j;
                fgWeights[at] = rowWeights[i * a + j];
                Array.Copy(anchors.Boxes, j * 4, fgAnchors, at * 4, 4);
                var g = boxes[m[j]];
                fgGt[at * 4] = g.X1;
                fgGt[at * 4 + 1] = g.Y1;
                fgGt[at * 4 + 2] = g.X2;
                fgGt[at * 4 + 3] = g.Y2;
                at++;
            }
        }
        var box = BoxLoss(boxRegression, n * a, fgRows, fgWeights, fgAnchors, fgGt);
        int totalIgnored = 0;
        foreach (var c in ignored) totalIgnored += c;
        return new RetinaNetLossResult(cls, box, totalFg, totalIgnored);
    }

    private Tensor ClassificationLoss(Tensor flatLogits, int[] labels, float[] rowWeights, AnchorSet anchors, int n, int a)
    {
        return Config.ClassificationLoss switch
        {
            ClassificationLossKind.Focal => Functional.SigmoidFocalLossSparse(flatLogits, labels, rowWeights, Config.FocalAlpha, Config.FocalGamma),
            ClassificationLossKind.AlphaBalancedCrossEntropy => Functional.SigmoidFocalLossSparse(flatLogits, labels, rowWeights, Config.FocalAlpha, 0f),
            ClassificationLossKind.Ohem => OhemLoss(flatLogits, labels, anchors, n, a),
            ClassificationLossKind.Hinge => HingeLoss(flatLogits, labels, rowWeights),
            _ => throw new NotSupportedException($"Classification loss {Config.ClassificationLoss} is not supported."),
        };
    }

    /// <summary>
    /// OHEM: the configured loss (focal with α and γ; γ = 0 for plain α-CE) on the hardest anchors of
    /// each image only, chosen by <see cref="OnlineHardExampleMining"/>; the loss is averaged over each
    /// image's chosen anchors, as a sampled minibatch is, then over images.
    /// </summary>
    private Tensor OhemLoss(Tensor flatLogits, int[] labels, AnchorSet anchors, int n, int a)
    {
        int k = flatLogits.Size(1);
        var x = flatLogits.ToArray();
        var chosenLabels = new int[n * a];
        var weights = new float[n * a];
        float alpha = Config.FocalAlpha, gamma = Config.FocalGamma;
        Parallel.For(0, n, i =>
        {
            var losses = new float[a];
            var imageLabels = labels.AsSpan(i * a, a);
            for (int j = 0; j < a; j++)
            {
                int label = imageLabels[j];
                if (label <= -2) continue;
                double sum = 0;
                long row = (long)(i * a + j) * k;
                for (int c = 0; c < k; c++) sum += FocalElement(x[row + c], c == label ? 1 : 0, alpha, gamma);
                losses[j] = (float)sum;
            }
            var chosen = new bool[a];
            int count = OnlineHardExampleMining.Select(losses, imageLabels, anchors.Boxes, Config.OhemBatchSize,
                Config.OhemForegroundFraction, Config.OhemNmsThreshold, chosen);
            float w = 1f / (Math.Max(1, count) * n);
            for (int j = 0; j < a; j++)
            {
                chosenLabels[i * a + j] = chosen[j] ? imageLabels[j] : -2;
                weights[i * a + j] = chosen[j] ? w : 0f;
            }
        });
        return Functional.SigmoidFocalLossSparse(flatLogits, chosenLabels, weights, alpha, gamma);
    }

    /// <summary>
    /// The paper's hinge on p_t: α-balanced cross entropy for every (anchor, class) whose p_t is below
    /// the threshold and nothing at or above it, normalised like the focal loss.
    /// </summary>
    private Tensor HingeLoss(Tensor flatLogits, int[] labels, float[] rowWeights)
    {
        int rows = flatLogits.Size(0), k = flatLogits.Size(1);
        var x = flatLogits.ToArray();
        var targets = new float[x.Length];
        var weights = new float[x.Length];
        float threshold = Config.HingeThreshold;
        for (int r = 0; r < rows; r++)
        {
            int label = labels[r];
            if (label <= -2) continue;
            for (int c = 0; c < k; c++)
            {
                long e = (long)r * k + c;
                bool positive = c == label;
                double pt = 1 / (1 + Math.Exp(positive ? -x[e] : x[e]));
                targets[e] = positive ? 1 : 0;
                weights[e] = pt < threshold ? rowWeights[r] : 0;
            }
        }
        using var t = Tensor.FromArray(targets, rows, k);
        using var w = Tensor.FromArray(weights, rows, k);
        return Functional.SigmoidFocalLoss(flatLogits, t, Config.FocalAlpha, 0f, Reduction.Sum, weight: w);
    }

    /// <summary>One element of torchvision's sigmoid focal loss in double precision (α &lt; 0: no α weighting).</summary>
    internal static double FocalElement(double x, double t, double alpha, double gamma)
    {
        double ce = Math.Max(x, 0) - x * t + Math.Log(1 + Math.Exp(-Math.Abs(x)));
        double p = 1 / (1 + Math.Exp(-x));
        double pt = p * t + (1 - p) * (1 - t);
        double loss = gamma == 0 ? ce : ce * Math.Pow(1 - pt, gamma);
        return alpha >= 0 ? loss * (alpha * t + (1 - alpha) * (1 - t)) : loss;
    }

    private Tensor BoxLoss(Tensor boxRegression, int rows, int[] fgRows, float[] fgWeights, float[] fgAnchors, float[] fgGt)
    {
        int f = fgRows.Length;
        if (f == 0)
        {
            // No foreground anywhere: the loss is 0 but still connected to the graph, like torch's sum over an empty set.
            using var flat0 = boxRegression.Reshape(rows, 4);
            using var none = Functional.IndexSelectRows(flat0, []);
            return none.Sum();
        }
        using var flat = boxRegression.Reshape(rows, 4);
        using var pred = Functional.IndexSelectRows(flat, fgRows);
        var w4 = new float[f * 4];
        for (int i = 0; i < f; i++) w4.AsSpan(i * 4, 4).Fill(fgWeights[i]);
        if (Config.BoxLoss == BoxLossKind.GIoU)
        {
            using var decoded = DecodeDifferentiable(pred, fgAnchors);
            using var gt = Tensor.FromArray(fgGt, f, 4);
            using var per = Functional.GeneralizedBoxIouLoss(decoded, gt);
            using var w = Tensor.FromArray(fgWeights, f);
            using var weighted = per.Mul(w);
            return weighted.Sum();
        }
        var targets = new float[f * 4];
        _coder.Encode(fgGt, fgAnchors, targets);
        using var target = Tensor.FromArray(targets, f, 4);
        using var weight = Tensor.FromArray(w4, f, 4);
        float beta = Config.BoxLoss == BoxLossKind.SmoothL1 ? Config.SmoothL1Beta : 0f;
        return Functional.SmoothL1Loss(pred, target, beta, Reduction.Sum, weight);
    }

    /// <summary>BoxCoder.Decode written with autograd ops, for losses on decoded boxes (GIoU).</summary>
    private Tensor DecodeDifferentiable(Tensor deltas, float[] anchors)
    {
        int f = anchors.Length / 4;
        var aw = new float[f]; var ah = new float[f]; var ax = new float[f]; var ay = new float[f];
        for (int i = 0; i < f; i++)
        {
            aw[i] = anchors[i * 4 + 2] - anchors[i * 4];
            ah[i] = anchors[i * 4 + 3] - anchors[i * 4 + 1];
            ax[i] = anchors[i * 4] + 0.5f * aw[i];
            ay[i] = anchors[i * 4 + 1] + 0.5f * ah[i];
        }
        using var scope = TensorScope.Enter();
        var tw = Tensor.FromArray(aw, f, 1); var th = Tensor.FromArray(ah, f, 1);
        var tx = Tensor.FromArray(ax, f, 1); var ty = Tensor.FromArray(ay, f, 1);
        var cx = deltas.Narrow(1, 0, 1) * tw + tx;
        var cy = deltas.Narrow(1, 1, 1) * th + ty;
        var w = deltas.Narrow(1, 2, 1).Clamp(max: _coder.Clip).Exp() * tw;
        var h = deltas.Narrow(1, 3, 1).Clamp(max: _coder.Clip).Exp() * th;
        var hw = w * 0.5f;
        var hh = h * 0.5f;
        return Tensor.Cat([cx - hw, cy - hh, cx + hw, cy + hh], 1).MoveToOuterScope();
    }
}
