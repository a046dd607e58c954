using RetinaSharp.Anchors;
using RetinaSharp.Boxes;
using RetinaSharp.Data;
using RetinaSharp.Losses;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Models.Heads;
using RetinaSharp.Postprocessing;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Models;

/// <summary>Head outputs for a batch, with what is needed to place anchors.</summary>
public sealed record RetinaNetOutput(Tensor ClassLogits, Tensor BoxRegression, (int H, int W)[] FeatureSizes, int PaddedHeight, int PaddedWidth) : IDisposable
{
    public void Dispose()
    {
        ClassLogits.Dispose();
        BoxRegression.Dispose();
    }
}

/// <summary>
/// RetinaNet (Lin et al. 2017) with torchvision's structure and parameter names: a ResNet-FPN
/// backbone ("backbone.body", "backbone.fpn") and the two subnets ("head.classification_head",
/// "head.regression_head"), plus its anchors, loss and post-processing.
/// </summary>
public sealed class RetinaNet : Module
{
    public RetinaNet(RetinaNetConfig config, ulong seed = 0)
    {
        config.Validate();
        Config = config;
        var rng = new RandomGenerator(seed);
        var body = new ResNet(ResNetSpec.FromName(config.Backbone, config.BackboneWidth), config.BackboneNorm, rng);
        Backbone = RegisterModule("backbone", new BackboneWithFpn(body, config.FpnChannels, config.P6FromC5, rng));
        Head = RegisterModule("head", new RetinaNetHead(config.FpnChannels, config.AnchorsPerLocation, config.NumClasses, rng,
            config.PriorProbability, config.HeadGroupNorm, config.HeadDepth));
        AnchorGenerator = new AnchorGenerator(config.AnchorSizesPerLevel(), config.AspectRatios);
        Loss = new RetinaNetLoss(config);
        PostProcessor = new RetinaNetPostProcessor(new BoxCoder())
        {
            ScoreThreshold = config.ScoreThreshold,
            NmsThreshold = config.NmsThreshold,
            TopKCandidates = config.TopKCandidates,
            DetectionsPerImage = config.DetectionsPerImage,
        };
        body.SetTrainableLayers(config.TrainableBackboneLayers);
    }

    public RetinaNetConfig Config { get; }
    public BackboneWithFpn Backbone { get; }
    public RetinaNetHead Head { get; }
    public AnchorGenerator AnchorGenerator { get; }
    public RetinaNetLoss Loss { get; }
    public RetinaNetPostProcessor PostProcessor { get; private set; }

    /// <summary>Changes inference thresholds (e.g. 100 detections for COCO evaluation).</summary>
    public void SetInference(float? scoreThreshold = null, float? nmsThreshold = null, int? detectionsPerImage = null, int? topK = null)
    {
        PostProcessor = new RetinaNetPostProcessor(new BoxCoder())
        {
            ScoreThreshold = scoreThreshold ?? PostProcessor.ScoreThreshold,
            NmsThreshold = nmsThreshold ?? PostProcessor.NmsThreshold,
            DetectionsPerImage = detectionsPerImage ?? PostProcessor.DetectionsPerImage,
            TopKCandidates = topK ?? PostProcessor.TopKCandidates,
        };
    }

    /// <summary>Runs backbone, pyramid and heads on a padded, normalised batch [N, 3, H, W].</summary>
    public RetinaNetOutput ForwardHeads(Tensor images)
    {
        var pyramid = Backbone.ForwardPyramid(images);
        try
        {
            var sizes = new (int, int)[pyramid.Length];
            for (int i = 0; i < pyramid.Length; i++) sizes[i] = (pyramid[i].Size(2), pyramid[i].Size(3));
            var (cls, box) = Head.Forward(pyramid);
            return new RetinaNetOutput(cls, box, sizes, images.Size(2), images.Size(3));
        }
        finally
        {
            foreach (var p in pyramid) p.Dispose();
        }
    }

    public AnchorSet Anchors(RetinaNetOutput output) => AnchorGenerator.Generate(output.PaddedHeight, output.PaddedWidth, output.FeatureSizes);

    /// <summary>The training loss for a batch whose targets are in network-input coordinates.</summary>
    public RetinaNetLossResult ComputeLoss(RetinaNetOutput output, IReadOnlyList<DetectionTarget> targets) =>
        Loss.Compute(output.ClassLogits, output.BoxRegression, Anchors(output), targets);

    /// <summary>Detections per image in resized-image coordinates (clipped to each image's resized size).</summary>
    public List<List<Detection>> Postprocess(RetinaNetOutput output, IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        var anchors = Anchors(output);
        int n = output.ClassLogits.Size(0), k = output.ClassLogits.Size(2), a = anchors.Count;
        using var cls = output.ClassLogits.Contiguous();
        using var box = output.BoxRegression.Contiguous();
        var logits = cls.ToArray();
        var deltas = box.ToArray();
        var result = new List<Detection>[n];
        Parallel.For(0, n, i =>
            result[i] = PostProcessor.Process(logits.AsSpan(i * a * k, a * k), deltas.AsSpan(i * a * 4, a * 4), anchors, k, imageSizes[i].Height, imageSizes[i].Width));
        return [.. result];
    }
}
