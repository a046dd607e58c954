using System.Globalization;
using RetinaSharp.Checkpoints;
using RetinaSharp.Data.Loading;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Imaging;
using RetinaSharp.Models;
using RetinaSharp.Postprocessing;
using RetinaSharp.Structures;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp;

/// <summary>
/// The library's front door for inference: load a checkpoint (ours, or a torchvision RetinaNet
/// .pth/safetensors state dict), then detect objects in image files or pixel buffers.
/// <code>
/// using var detector = RetinaNetDetector.Load("model.safetensors");
/// foreach (var d in detector.Detect("street.jpg")) Console.WriteLine($"{detector.ClassName(d.Label)} {d.Score:F2} {d.Box}");
/// </code>
/// An image's detections never depend on the other images detected with it: images are batched
/// only with others of the same padded size.
/// </summary>
public sealed class RetinaNetDetector : IDisposable
{
    private readonly DetectionTransform _transform;

    public RetinaNetDetector(RetinaNet model, IReadOnlyList<string>? classNames = null, IReadOnlyList<long>? categoryIds = null)
    {
        if (classNames != null && classNames.Count != model.Config.NumClasses)
            throw new ArgumentException($"{classNames.Count} class names for a model with {model.Config.NumClasses} classes.", nameof(classNames));
        CategoryIds = categoryIds;
        Model = model;
        Model.Eval();
        // Inference only: frozen batch norms become part of their convolutions.
        Model.Backbone.Body.FoldFrozenBatchNorm();
        var names = new string[model.Config.NumClasses];
        for (int i = 0; i < names.Length; i++) names[i] = classNames?[i] ?? i.ToString(CultureInfo.InvariantCulture);
        ClassNames = names;
        Inference = model.Config.Inference;
        _transform = new DetectionTransform(model.Config.Transform);
    }

    public RetinaNet Model { get; }

    /// <summary>Class names by label index.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// The training data's category id of each label, when the checkpoint records them; null for
    /// torchvision weights, whose label index already is the COCO category id.
    /// </summary>
    public IReadOnlyList<long>? CategoryIds { get; }

    /// <summary>Score threshold, NMS and detections kept per image (from the checkpoint unless changed).</summary>
    public InferenceOptions Inference { get; set; }

    /// <summary>Most images run through the network at once.</summary>
    public int MaxBatchSize { get; set; } = 4;

    /// <summary>The category id to report for a label (COCO results format).</summary>
    public long CategoryIdOf(int label) => CategoryIds != null && label < CategoryIds.Count ? CategoryIds[label] : label;

    public string ClassName(int label) => label >= 0 && label < ClassNames.Count ? ClassNames[label] : label.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Loads weights: a RetinaSharp checkpoint carries its configuration and class names; for a
    /// torchvision state dict the architecture is read from the keys and shapes. Instead of a path,
    /// a published name such as "retinanet_resnet50_fpn_coco" loads torchvision's file from the
    /// torch hub cache, downloading it when missing (see <see cref="PretrainedWeights"/>).
    /// </summary>
    /// <param name="adjust">Changes the resolved configuration before the model is built (input sizes, thresholds).</param>
    /// <param name="classNames">Class names to use instead of the checkpoint's.</param>
    /// <param name="categoryIds">Category ids to report instead of the checkpoint's.</param>
    public static RetinaNetDetector Load(string path, Func<RetinaNetConfig, RetinaNetConfig>? adjust = null, IReadOnlyList<string>? classNames = null,
        IReadOnlyList<long>? categoryIds = null)
    {
        path = PretrainedWeights.Resolve(path, PretrainedWeightsKind.Detector);
        using var state = WeightsLoader.ReadStateDict(path);
        var metadata = CheckpointMetadata.Read(state.Metadata, path);
        var config = metadata.Config ?? RetinaNetConfigInference.Infer(state, path);
        if (adjust != null) config = adjust(config);
        CheckClassifierShape(state, config, path);
        var model = new RetinaNet(config);
        try
        {
            model.LoadStateDict(state);
            return new RetinaNetDetector(model, classNames ?? metadata.ClassNames, categoryIds ?? metadata.CategoryIds);
        }
        catch (StateDictException e)
        {
            model.Dispose();
            throw new StateDictException($"{path}: {e.Message}");
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Compares the configuration with the classifier's shape in the file before the model is built,
    /// so a configuration that does not describe the weights is refused without allocating for it.
    /// </summary>
    private static void CheckClassifierShape(Tensors.Serialization.StateDict state, RetinaNetConfig config, string path)
    {
        const string key = "head.classification_head.cls_logits.weight";
        if (!state.TryGetValue(key, out var weight)) return;
        var shape = weight.Shape;
        int outputs = config.NumClasses * config.AnchorsPerLocation;
        if (shape.Length != 4 || shape[0] != outputs || shape[1] != config.FpnChannels)
            throw new StateDictException($"{path}: '{key}' has shape [{string.Join(", ", shape.ToArray())}] but the configuration asks for " +
                $"{config.NumClasses} classes × {config.AnchorsPerLocation} anchors = {outputs} outputs from {config.FpnChannels} channels.");
    }

    public IReadOnlyList<Detection> Detect(string imagePath) => Detect(ImageFile.Load(imagePath));

    public IReadOnlyList<Detection> Detect(RgbImage image) => Detect([image])[0].Detections;

    /// <summary>
    /// Detects in several images; boxes are in each image's own pixels. Images of equal padded
    /// size share a forward pass (up to <see cref="MaxBatchSize"/>), so batching changes speed, not results.
    /// </summary>
    /// <param name="imageIds">The id reported for each image (default: its position in the list).</param>
    public IReadOnlyList<ImageDetections> Detect(IReadOnlyList<RgbImage> images, IReadOnlyList<long>? imageIds = null)
    {
        if (imageIds is not null && imageIds.Count != images.Count) throw new ArgumentException($"{imageIds.Count} ids for {images.Count} images.", nameof(imageIds));
        var result = new ImageDetections[images.Count];
        var groups = new Dictionary<ImageSize, List<int>>();
        var order = new List<ImageSize>();
        for (int i = 0; i < images.Count; i++)
        {
            var resized = _transform.ResizedSize(new ImageSize(images[i].Height, images[i].Width), _transform.EvaluationMinSize);
            var padded = DetectionTransform.PaddedSize([resized], _transform.Options.SizeDivisible);
            if (!groups.TryGetValue(padded, out var members))
            {
                groups[padded] = members = [];
                order.Add(padded);
            }
            members.Add(i);
        }
        int maxBatch = Math.Max(1, MaxBatchSize);
        foreach (var key in order)
        {
            var members = groups[key];
            for (int start = 0; start < members.Count; start += maxBatch)
            {
                int n = Math.Min(maxBatch, members.Count - start);
                var chunk = new RgbImage[n];
                var ids = new long[n];
                for (int k = 0; k < n; k++)
                {
                    int index = members[start + k];
                    chunk[k] = images[index];
                    ids[k] = imageIds?[index] ?? index;
                }
                using var batch = DetectionBatch.FromImages(chunk, _transform, ids);
                var found = Model.Predict(batch, Inference);
                for (int k = 0; k < n; k++) result[members[start + k]] = found[k];
            }
        }
        return result;
    }

    public void Dispose() => Model.Dispose();
}
