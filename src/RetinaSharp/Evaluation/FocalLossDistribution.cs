using System.Runtime.InteropServices;
using RetinaSharp.Data;
using RetinaSharp.Data.Loading;
using RetinaSharp.Matching;
using RetinaSharp.Models;
using RetinaSharp.Structures;
using RetinaSharp.Tensors;

namespace RetinaSharp.Evaluation;

/// <summary>The cumulative distribution of a normalised loss over samples sorted from easiest to hardest.</summary>
/// <param name="Gamma">The focal loss γ the curve was computed for (0 = cross entropy).</param>
/// <param name="SampleFraction">x: fraction of samples, from 0 to 1.</param>
/// <param name="CumulativeLoss">y: share of the total loss carried by that fraction of the easiest samples.</param>
/// <param name="HardestShares">Share of the total loss carried by the hardest 1 %, 10 % and 20 % of samples.</param>
public sealed record LossCdf(double Gamma, double[] SampleFraction, double[] CumulativeLoss, double[] HardestShares);

/// <summary>
/// The analysis behind the focal loss paper's Figure 4: run a trained model over images, collect p_t
/// of every positive (the true class of a foreground anchor) and every negative (every other
/// anchor-class pair that is not ignored: all classes of a background anchor, the other classes of a
/// foreground one), and for several γ compute the cumulative distribution of the loss normalised
/// to sum to one within each set. α is left out: it is constant within each set and cancels.
/// </summary>
public static class FocalLossDistribution
{
    /// <summary>The hardest-sample fractions reported in <see cref="LossCdf.HardestShares"/>.</summary>
    public static readonly double[] HardestFractions = [0.01, 0.10, 0.20];

    /// <summary>
    /// p_t of the positive and negative samples of the first <paramref name="images"/> images of
    /// the data loader's epoch 0 for <paramref name="seed"/> (shuffled, not augmented).
    /// </summary>
    public static (float[] Positive, float[] Negative) CollectProbabilities(RetinaNet model, IDetectionDataset dataset, int images, ulong seed = 0,
        int batchSize = 4, IProgress<int>? progress = null)
    {
        var config = model.Config;
        var matcher = new Matcher(config.ForegroundIou, config.BackgroundIou, config.AllowLowQualityMatches);
        var positive = new List<float>();
        var negative = new List<float>();
        bool wasTraining = model.Training;
        model.Eval();
        using var noGrad = Autograd.NoGrad();
        var options = new DataLoaderOptions { BatchSize = batchSize, Shuffle = true, Augment = false, Seed = seed, Workers = 1, Transform = config.Transform };
        using var loader = new DetectionDataLoader(dataset, options);
        int done = 0;
        foreach (var batch in loader.ReadEpoch(0))
        {
            using var owned = batch;
            if (done >= images) break;
            using var scope = TensorScope.Enter();
            using var output = model.ForwardHeads(batch);
            var anchors = model.Anchors(output);
            int a = anchors.Count, k = config.NumClasses;
            var logits = output.ClassLogits.ToArray();
            var matches = new int[a];
            int take = Math.Min(batch.Count, images - done);
            for (int i = 0; i < take; i++)
            {
                var item = batch.Items[i];
                matcher.Match(MemoryMarshal.Cast<Box, float>(item.Boxes.AsSpan()), anchors.Boxes, matches, MemoryMarshal.Cast<Box, float>(item.IgnoreBoxes.AsSpan()));
                for (int j = 0; j < a; j++)
                {
                    int m = matches[j];
                    if (m == Matcher.Ignore) continue;
                    long row = ((long)i * a + j) * k;
                    int label = m >= 0 ? item.Labels[m] : -1;
                    for (int c = 0; c < k; c++)
                    {
                        if (c == label) positive.Add(Sigmoid(logits[row + c]));
                        else negative.Add(Sigmoid(-logits[row + c]));
                    }
                }
            }
            done += take;
            progress?.Report(done);
        }
        if (wasTraining) model.Train();
        return (positive.ToArray(), negative.ToArray());
    }

    private static float Sigmoid(float x) => (float)(1 / (1 + Math.Exp(-x)));

    /// <summary>FL(p_t) = −(1 − p_t)^γ log p_t, computed in double.</summary>
    public static double Loss(double pt, double gamma)
    {
        double ce = -Math.Log(Math.Max(pt, double.Epsilon));
        return gamma == 0 ? ce : Math.Pow(1 - pt, gamma) * ce;
    }

    /// <summary>The normalised loss CDF of the samples for one γ, sampled at <paramref name="points"/> evenly spaced fractions.</summary>
    public static LossCdf Cdf(ReadOnlySpan<float> pt, double gamma, int points = 201)
    {
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), "A CDF needs at least two points.");
        int n = pt.Length;
        var losses = new double[n];
        for (int i = 0; i < n; i++) losses[i] = Loss(pt[i], gamma);
        Array.Sort(losses);
        var prefix = new double[n + 1];
        for (int i = 0; i < n; i++) prefix[i + 1] = prefix[i] + losses[i];
        double total = prefix[n];
        var xs = new double[points];
        var ys = new double[points];
        for (int p = 0; p < points; p++)
        {
            double f = (double)p / (points - 1);
            int count = (int)Math.Round(f * n, MidpointRounding.AwayFromZero);
            xs[p] = f;
            ys[p] = total > 0 ? prefix[count] / total : f;
        }
        var shares = new double[HardestFractions.Length];
        for (int h = 0; h < shares.Length; h++)
        {
            int count = (int)Math.Ceiling(HardestFractions[h] * n);
            shares[h] = total > 0 ? (total - prefix[n - count]) / total : HardestFractions[h];
        }
        return new LossCdf(gamma, xs, ys, shares);
    }
}
