using RetinaSharp.Anchors;
using RetinaSharp.Data.Loading;
using RetinaSharp.Losses;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Models.Heads;
using RetinaSharp.Postprocessing;
using RetinaSharp.Structures;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Models;

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
        Loss = new RetinaNetLoss(config.LossOptions);
        body.SetTrainableLayers(config.TrainableBackboneLayers);
    }

    public RetinaNetConfig Config { get; }
    public BackboneWithFpn Backbone { get; }
    public RetinaNetHead Head { get; }
    public AnchorGenerator AnchorGenerator { get; }
    public RetinaNetLoss Loss { get; }

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

    /// <summary>
    /// Runs backbone, pyramid and heads on a batch from the data loader. The input tensor belongs
    /// to the caller's <see cref="TensorScope"/>: a backward pass still needs it.
    /// </summary>
    public RetinaNetOutput ForwardHeads(DetectionBatch batch) => ForwardHeads(Tensor.FromArray(batch.Images, batch.Shape));

    public AnchorSet Anchors(RetinaNetOutput output) => AnchorGenerator.Generate(output.PaddedHeight, output.PaddedWidth, output.FeatureSizes);

    /// <summary>The training loss for a batch whose targets are in network-input coordinates.</summary>
    public RetinaNetLossResult ComputeLoss(RetinaNetOutput output, IReadOnlyList<DetectionTarget> targets) =>
        Loss.Compute(output.ClassLogits, output.BoxRegression, Anchors(output), targets);

    /// <summary>
    /// Detections per image in resized-image coordinates (clipped to each image's resized size),
    /// torchvision's postprocess_detections.
    /// </summary>
    public List<List<Detection>> Postprocess(RetinaNetOutput output, IReadOnlyList<ImageSize> imageSizes, InferenceOptions? options = null)
    {
        options ??= Config.Inference;
        options.Validate();
        var anchors = Anchors(output);
        int n = output.ClassLogits.Size(0), k = output.ClassLogits.Size(2), a = anchors.Count;
        if (imageSizes.Count != n) throw new ArgumentException($"{imageSizes.Count} image sizes for a batch of {n}.", nameof(imageSizes));
        using var cls = output.ClassLogits.Contiguous();
        using var box = output.BoxRegression.Contiguous();
        var logits = cls.ToArray();
        var deltas = box.ToArray();
        var result = new List<Detection>[n];
        Parallel.For(0, n, i =>
            result[i] = RetinaNetPostProcessor.Process(logits.AsSpan(i * a * k, a * k), deltas.AsSpan(i * a * 4, a * 4), anchors, k, imageSizes[i], options));
        return [.. result];
    }

    /// <summary>
    /// The one path from a batch to detections: forward in inference mode without gradients,
    /// post-process, and map every box back to its original image (un-mirrored if the loader
    /// flipped it). The batch is run as given, padded together as torchvision does; to make each
    /// image's result independent of its batch mates, batch only images of equal padded size
    /// (what <see cref="RetinaNetDetector"/> and the evaluation loader do).
    /// </summary>
    public IReadOnlyList<ImageDetections> Predict(DetectionBatch batch, InferenceOptions? options = null)
    {
        bool wasTraining = Training;
        if (wasTraining) Eval();
        try
        {
            using var noGrad = Autograd.NoGrad();
            using var scope = TensorScope.Enter();
            using var output = ForwardHeads(batch);
            var sizes = new ImageSize[batch.Count];
            for (int i = 0; i < sizes.Length; i++) sizes[i] = batch.Items[i].ResizedSize;
            var detections = Postprocess(output, sizes, options);
            var result = new ImageDetections[batch.Count];
            for (int i = 0; i < result.Length; i++)
            {
                var item = batch.Items[i];
                var found = detections[i];
                var boxes = new Box[found.Count];
                for (int d = 0; d < boxes.Length; d++) boxes[d] = found[d].Box;
                boxes = item.ToOriginal(boxes);
                var mapped = new Detection[boxes.Length];
                for (int d = 0; d < mapped.Length; d++) mapped[d] = found[d] with { Box = boxes[d] };
                result[i] = new ImageDetections(item.ImageId, item.OriginalSize, mapped);
            }
            return result;
        }
        finally
        {
            if (wasTraining) Train();
        }
    }
}
