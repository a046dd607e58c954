using RetinaSharp.Data;
using RetinaSharp.Evaluation;
using RetinaSharp.Imaging;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Structures;
using RetinaSharp.Tensors;
using Xunit;

namespace RetinaSharp.Tests.Evaluation;

public sealed class FocalLossDistributionTests
{
    [Fact]
    public void Cdf_of_cross_entropy_matches_hand_values()
    {
        // −log p_t: 0.6931, 0.1054, 0.01005, 2.3026; sorted 0.01005, 0.1054, 0.6931, 2.3026; total 3.1112.
        float[] pt = [0.5f, 0.9f, 0.99f, 0.1f];
        var cdf = FocalLossDistribution.Cdf(pt, gamma: 0, points: 5);
        double[] sorted = [-Math.Log(0.99f), -Math.Log(0.9f), -Math.Log(0.5f), -Math.Log(0.1f)];
        double total = sorted.Sum();
        Assert.Equal([0, 0.25, 0.5, 0.75, 1], cdf.SampleFraction);
        Assert.Equal(0, cdf.CumulativeLoss[0], 12);
        Assert.Equal(sorted[0] / total, cdf.CumulativeLoss[1], 6);
        Assert.Equal((sorted[0] + sorted[1]) / total, cdf.CumulativeLoss[2], 6);
        Assert.Equal((sorted[0] + sorted[1] + sorted[2]) / total, cdf.CumulativeLoss[3], 6);
        Assert.Equal(1, cdf.CumulativeLoss[4], 12);
        // The hardest 1 %, 10 % and 20 % of four samples are each the single hardest one.
        Assert.All(cdf.HardestShares, s => Assert.Equal(sorted[3] / total, s, 6));
    }

    [Fact]
    public void Focusing_moves_the_loss_onto_the_hard_samples()
    {
        // γ = 2 scales −log p_t by (1 − p_t)²: 0.25, 0.01 and 1e-4 for p_t = 0.5, 0.9, 0.99, 0.81 for 0.1.
        float[] pt = [0.5f, 0.9f, 0.99f, 0.1f];
        var fl = FocalLossDistribution.Cdf(pt, gamma: 2, points: 5);
        double easy = 1e-4 * -Math.Log(0.99f), mid = 0.01 * -Math.Log(0.9f), half = 0.25 * -Math.Log(0.5f), hard = 0.81 * -Math.Log(0.1f);
        Assert.Equal(hard / (easy + mid + half + hard), fl.HardestShares[0], 5);
        Assert.True(fl.HardestShares[0] > FocalLossDistribution.Cdf(pt, gamma: 0, points: 5).HardestShares[0]);
        Assert.Equal(0.01 * -Math.Log(0.9), FocalLossDistribution.Loss(0.9, 2), 12);
    }

    private static (RgbImage Image, Box[] Boxes, int[] Labels) Sample(int index)
    {
        var rng = new RandomGenerator(11 + (ulong)index);
        var pixels = new byte[64 * 64 * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)rng.NextInt(256);
        return index == 0
            ? (new RgbImage(64, 64, pixels), [new(8, 8, 40, 36), new(30, 20, 60, 60)], [0, 2])
            : (new RgbImage(64, 64, pixels), [new(10, 30, 26, 50)], [1]);
    }

    private static InMemoryDetectionDataset OneImage(int index)
    {
        var (image, boxes, labels) = Sample(index);
        var classes = new ClassList([new DetectionClass("a", 1), new DetectionClass("b", 2), new DetectionClass("c", 3)]);
        return new InMemoryDetectionDataset(classes,
            [(new SampleInfo(index, $"image{index}", $"image{index}.png", new ImageSize(64, 64)), new ImageAnnotations(boxes, labels, [], []), image)]);
    }

    [Fact]
    public void Collected_probabilities_reproduce_the_training_loss()
    {
        var config = new RetinaNetConfig
        {
            Backbone = "resnet18", BackboneWidth = 0.125, BackboneNorm = NormKind.GroupNorm, NumClasses = 3, FpnChannels = 16,
            HeadDepth = 1, HeadGroupNorm = true, AnchorSizes = [8, 16, 32, 64, 128], MinSize = 64, MaxSize = 64,
            PriorProbability = 0.1f, FocalAlpha = 0.25f, FocalGamma = 2,
        };
        using var model = new RetinaNet(config, seed: 3);
        for (int image = 0; image < 2; image++)
        {
            // One image at a time, so the training loss is Σ α_t FL / (foreground anchors of that image).
            var (pos, neg) = FocalLossDistribution.CollectProbabilities(model, OneImage(image), images: 1);
            double weighted = 0;
            foreach (var p in pos) weighted += 0.25 * FocalLossDistribution.Loss(p, 2);
            foreach (var p in neg) weighted += 0.75 * FocalLossDistribution.Loss(p, 2);

            model.Eval();
            using var _ = Autograd.NoGrad();
            var s = Sample(image);
            var transform = new RetinaSharp.Data.Transforms.DetectionTransform(config.Transform);
            var t = transform.Apply(s.Image, 64, 64);
            using var input = Tensor.FromArray(transform.Pad([t], t.Height, t.Width), 1, 3, t.Height, t.Width);
            using var output = model.ForwardHeads(input);
            using var loss = model.ComputeLoss(output, [new DetectionTarget(s.Boxes, s.Labels, [])]);
            Assert.Equal(loss.ForegroundAnchors, pos.Length);
            Assert.Equal(0, (pos.Length + neg.Length) % config.NumClasses);
            Assert.Equal(loss.Classification.Item(), weighted / loss.ForegroundAnchors, 4);
        }
    }
}
