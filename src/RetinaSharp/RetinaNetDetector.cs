using RetinaSharp.Data.Transforms;
using RetinaSharp.Imaging;
using RetinaSharp.Models;
using RetinaSharp.Postprocessing;
using RetinaSharp.Tensors;
using RetinaSharp.Training;

namespace RetinaSharp;

/// <summary>A detection with its class name.</summary>
public readonly record struct LabeledDetection(float X1, float Y1, float X2, float Y2, float Score, int Label, string ClassName);

/// <summary>
/// The library's front door for inference: load a checkpoint (ours, or a torchvision RetinaNet
/// .pth/safetensors state dict), then detect objects in image files or pixel buffers.
/// <code>
/// using var detector = RetinaNetDetector.Load("model.safetensors");
/// foreach (var d in detector.Detect("street.jpg")) Console.WriteLine($"{d.ClassName} {d.Score:F2}");
/// </code>
/// </summary>
public sealed class RetinaNetDetector : IDisposable
{
    private readonly DetectionTransform _transform;

    public RetinaNetDetector(RetinaNet model, IReadOnlyList<string>? classNames = null, IReadOnlyList<long>? categoryIds = null)
    {
        CategoryIds = categoryIds;
        Model = model;
        Model.Eval();
        // Inference only: frozen batch norms become part of their convolutions.
        Model.Backbone.Body.FoldFrozenBatchNorm();
        ClassNames = classNames ?? Enumerable.Range(0, model.Config.NumClasses).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        _transform = new DetectionTransform(model.Config.ImageMean, model.Config.ImageStd);
    }

    public RetinaNet Model { get; }

    /// <summary>Class names by label index.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// The training data's category id of each label, when the checkpoint records them; null for
    /// torchvision weights, whose label index already is the COCO category id.
    /// </summary>
    public IReadOnlyList<long>? CategoryIds { get; }

    /// <summary>The category id to report for a label (COCO results format).</summary>
    public long CategoryIdOf(int label) => CategoryIds != null && label < CategoryIds.Count ? CategoryIds[label] : label;

    /// <summary>
    /// Loads weights: a RetinaSharp checkpoint carries its configuration and class names; for a
    /// torchvision state dict the architecture is read from the keys and shapes
    /// (<paramref name="config"/> overrides it, e.g. to change input sizes or thresholds).
    /// </summary>
    /// <param name="adjust">Changes the resolved configuration before the model is built (input sizes, thresholds).</param>
    public static RetinaNetDetector Load(string path, RetinaNetConfig? config = null, IReadOnlyList<string>? classNames = null,
        Func<RetinaNetConfig, RetinaNetConfig>? adjust = null)
    {
        using var state = WeightsLoader.ReadStateDict(path);
        RetinaNetConfig resolved;
        IReadOnlyList<string>? names = classNames;
        IReadOnlyList<long>? categoryIds = null;
        if (state.Metadata.TryGetValue(Checkpoint.ConfigKey, out var json))
        {
            resolved = config ?? System.Text.Json.JsonSerializer.Deserialize<RetinaNetConfig>(json)!;
            if (names == null && state.Metadata.TryGetValue(Checkpoint.ClassesKey, out var cj))
                names = System.Text.Json.JsonSerializer.Deserialize<List<string>>(cj);
            if (state.Metadata.TryGetValue(Checkpoint.CategoryIdsKey, out var ids))
                categoryIds = System.Text.Json.JsonSerializer.Deserialize<List<long>>(ids);
        }
        else
        {
            resolved = config ?? RetinaNetConfigInference.Infer(state, path);
        }
        if (adjust != null) resolved = adjust(resolved);
        var model = new RetinaNet(resolved);
        try
        {
            model.LoadStateDict(state);
        }
        catch (Tensors.Nn.StateDictException e)
        {
            model.Dispose();
            throw new Tensors.Nn.StateDictException($"{path}: {e.Message}");
        }
        return new RetinaNetDetector(model, names, categoryIds);
    }

    public IReadOnlyList<LabeledDetection> Detect(string imagePath) => Detect(ImageFile.Load(imagePath));

    public IReadOnlyList<LabeledDetection> Detect(RgbImage image) => DetectBatch([image])[0];

    /// <summary>Detects in several images at once (one padded batch); boxes are in each image's pixels.</summary>
    public IReadOnlyList<IReadOnlyList<LabeledDetection>> DetectBatch(IReadOnlyList<RgbImage> images)
    {
        var cfg = Model.Config;
        var t = new TransformedImage[images.Count];
        Parallel.For(0, images.Count, i => t[i] = _transform.Apply(images[i], cfg.MinSize, cfg.MaxSize));
        var (h, w) = _transform.BatchSize(t);
        using var _ = Autograd.NoGrad();
        using var scope = TensorScope.Enter();
        var batch = Tensor.FromArray(_transform.Pad(t, h, w), images.Count, 3, h, w);
        using var output = Model.ForwardHeads(batch);
        var dets = Model.Postprocess(output, t.Select(x => (x.Height, x.Width)).ToList());
        var result = new IReadOnlyList<LabeledDetection>[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            var mapped = RetinaNetPostProcessor.MapToOriginal(dets[i], t[i].Height, t[i].Width, t[i].OriginalHeight, t[i].OriginalWidth);
            result[i] = mapped.Select(d => new LabeledDetection(d.X1, d.Y1, d.X2, d.Y2, d.Score, d.Label,
                d.Label < ClassNames.Count ? ClassNames[d.Label] : d.Label.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        }
        return result;
    }

    public void Dispose() => Model.Dispose();
}
