using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using RetinaSharp.Export.Onnx;
using RetinaSharp.Models;
using DataType = RetinaSharp.Export.Onnx.TensorProto.Types.DataType;

namespace RetinaSharp.Export;

/// <summary>
/// Writes a loaded detector as an ONNX model. The default graph takes one RGB image
/// <c>image</c> [3, H, W] with values in [0, 1] and any H and W, and returns <c>boxes</c> [K, 4]
/// (x1, y1, x2, y2 in the image's pixels), <c>scores</c> [K] and <c>labels</c> [K] (int64, the
/// category ids <c>retina predict</c> reports); resizing, normalisation, anchors and
/// post-processing are part of the graph. <see cref="OnnxExportOptions.Raw"/> writes the network
/// alone. The classes and input settings go into the model's metadata_props.
/// <code>
/// using var detector = RetinaNetDetector.Load("best.safetensors");
/// RetinaNetOnnxExporter.Export(detector, "model.onnx");
/// </code>
/// </summary>
public static class RetinaNetOnnxExporter
{
    /// <summary>Metadata keys written into every exported model.</summary>
    public static class MetadataKeys
    {
        public const string ClassNames = "retinasharp.class_names";
        public const string CategoryIds = "retinasharp.category_ids";
        public const string Config = "retinasharp.config";
        public const string MinSize = "min_size";
        public const string MaxSize = "max_size";
        public const string ImageMean = "image_mean";
        public const string ImageStd = "image_std";
        public const string SizeDivisible = "size_divisible";
        public const string ScoreThreshold = "score_threshold";
        public const string NmsThreshold = "nms_threshold";
        public const string TopKCandidates = "topk_candidates";
        public const string DetectionsPerImage = "detections_per_image";
        public const string Graph = "graph";
    }

    /// <summary>Writes the model to <paramref name="path"/> (atomically: a failed export leaves no partial file).</summary>
    public static void Export(RetinaNetDetector detector, string path, OnnxExportOptions? options = null)
    {
        var bytes = ToBytes(detector, options);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>The serialised ONNX model.</summary>
    public static byte[] ToBytes(RetinaNetDetector detector, OnnxExportOptions? options = null) => Build(detector, options).ToByteArray();

    internal static ModelProto Build(RetinaNetDetector detector, OnnxExportOptions? options = null)
    {
        options ??= new OnnxExportOptions();
        options.Validate();
        var model = detector.Model;
        var config = model.Config;
        var inference = options.Inference ?? detector.Inference;
        inference.Validate();
        var transform = config.Transform;
        var categoryIds = new long[config.NumClasses];
        for (int i = 0; i < categoryIds.Length; i++) categoryIds[i] = detector.CategoryIdOf(i);

        var graph = new OnnxGraphBuilder();
        if (options.Raw) BuildRaw(graph, model);
        else new OnnxDetectionGraph(graph, model, inference, categoryIds, transform.SizeDivisible).Build();

        var proto = new ModelProto
        {
            IrVersion = OnnxExportOptions.IrVersionFor(options.Opset),
            ProducerName = "RetinaSharp",
            ProducerVersion = typeof(RetinaNetOnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            DocString = options.Raw
                ? "RetinaNet network: normalised, padded images [N, 3, H, W] (H, W multiples of 32) to per-level class logits and box deltas."
                : "RetinaNet detector: RGB image [3, H, W] in [0, 1] to boxes (x1, y1, x2, y2, input pixels), scores and category ids.",
            Graph = graph.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        // Shortest round-trip text of the float32 (0.485, not 0.48500001430511475).
        static string F(float v) => v.ToString(CultureInfo.InvariantCulture);
        var meta = new Dictionary<string, string>
        {
            [MetadataKeys.Graph] = options.Raw ? "raw" : "detection",
            [MetadataKeys.ClassNames] = JsonSerializer.Serialize(detector.ClassNames),
            [MetadataKeys.CategoryIds] = JsonSerializer.Serialize(categoryIds),
            [MetadataKeys.Config] = JsonSerializer.Serialize(config),
            [MetadataKeys.MinSize] = config.MinSize.ToString(CultureInfo.InvariantCulture),
            [MetadataKeys.MaxSize] = config.MaxSize.ToString(CultureInfo.InvariantCulture),
            [MetadataKeys.ImageMean] = string.Join(",", config.ImageMean.Select(v => F(v))),
            [MetadataKeys.ImageStd] = string.Join(",", config.ImageStd.Select(v => F(v))),
            [MetadataKeys.SizeDivisible] = transform.SizeDivisible.ToString(CultureInfo.InvariantCulture),
            [MetadataKeys.ScoreThreshold] = F(inference.ScoreThreshold),
            [MetadataKeys.NmsThreshold] = inference.NmsThreshold.ToString(CultureInfo.InvariantCulture),
            [MetadataKeys.TopKCandidates] = inference.TopKCandidates.ToString(CultureInfo.InvariantCulture),
            [MetadataKeys.DetectionsPerImage] = inference.DetectionsPerImage.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in meta) proto.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        return proto;
    }

    /// <summary>The network alone: <c>images</c> [N, 3, H, W] to <c>cls_logits_pL</c> [N, H·W·A, K] and <c>bbox_regression_pL</c> [N, H·W·A, 4] for L = 3..7.</summary>
    private static void BuildRaw(OnnxGraphBuilder graph, RetinaNet model)
    {
        var images = graph.Input("images", DataType.Float, "batch", 3L, "height", "width");
        var levels = new RetinaNetOnnxNetwork(graph, model).Forward(images);
        for (int l = 0; l < levels.Length; l++)
        {
            string anchors = $"anchors_p{l + 3}";
            graph.Output(levels[l].Logits, $"cls_logits_p{l + 3}", DataType.Float, "batch", anchors, (long)model.Config.NumClasses);
            graph.Output(levels[l].Deltas, $"bbox_regression_p{l + 3}", DataType.Float, "batch", anchors, 4L);
        }
    }
}
