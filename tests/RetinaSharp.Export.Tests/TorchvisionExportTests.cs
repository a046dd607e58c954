using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RetinaSharp.Data.Loading;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace RetinaSharp.Export.Tests;

/// <summary>
/// torchvision RetinaNets (v1 and v2 layouts, the small random-weight fixtures of
/// tools/make_retinanet_fixtures.py) exported and run in ONNX Runtime, against our own Detect and ForwardHeads.
/// </summary>
public sealed class TorchvisionExportTests(ITestOutputHelper log)
{
    private static RetinaNetDetector Load(string weights, int minSize = 96, int maxSize = 160)
    {
        var detector = RetinaNetDetector.Load(TestImages.Fixture("retinanet", weights), c => c with { MinSize = minSize, MaxSize = maxSize });
        detector.Inference = detector.Inference with { DetectionsPerImage = 100 };
        return detector;
    }

    [Theory]
    [InlineData("v1_weights.pth", 96, 160)]
    [InlineData("v2_weights.pth", 96, 160)]
    [InlineData("v1_weights.pth", 800, 1333)]
    [InlineData("v2_weights.pth", 800, 1333)]
    public void Onnx_runtime_finds_our_detections_at_every_input_size(string weights, int minSize, int maxSize)
    {
        using var detector = Load(weights, minSize, maxSize);
        using var ort = new OnnxDetectorSession(RetinaNetOnnxExporter.ToBytes(detector));
        var sizes = new HashSet<(int, int)>();
        foreach (var image in TestImages.Several())
        {
            var ours = detector.Detect(image);
            var theirs = ort.Detect(image);
            Assert.True(ours.Count >= 20, $"{image.Width}x{image.Height}: only {ours.Count} detections to compare");
            double agreed = DetectionComparison.AgreedFraction(ours, detector.CategoryIdOf, theirs, out var mismatch);
            log.WriteLine($"{weights} at {minSize}/{maxSize}, {image.Width}x{image.Height}: {ours.Count} ours, {theirs.Count} ONNX Runtime, {agreed:P2} agree");
            Assert.True(agreed >= 0.99, $"{weights} {image.Width}x{image.Height}: {agreed:P1} of {ours.Count}/{theirs.Count} detections agree; {mismatch}");
            var resized = DetectionTransform.ResizedSize(new Structures.ImageSize(image.Height, image.Width), minSize, maxSize);
            sizes.Add((resized.Height, resized.Width));
        }
        Assert.True(sizes.Count >= 3, "the images should reach the network at different sizes");
    }

    [Theory]
    [InlineData("v1_weights.pth")]
    [InlineData("v2_weights.pth")]
    public void Raw_graph_gives_our_logits_and_deltas_for_a_batch(string weights)
    {
        using var detector = Load(weights);
        using var session = new InferenceSession(RetinaNetOnnxExporter.ToBytes(detector, new OnnxExportOptions { Raw = true }));
        var photo = TestImages.Photo();
        var transform = new DetectionTransform(detector.Model.Config.Transform);
        // Two images of the same padded size, one of them a darker copy, so the batch dimension is exercised.
        var darker = TestImages.Crop(photo, 0, 0, photo.Width, photo.Height);
        for (int i = 0; i < darker.Pixels.Length; i++) darker.Pixels[i] = (byte)(darker.Pixels[i] / 2);
        using var batch = DetectionBatch.FromImages([photo, darker], transform);
        float[] logits, deltas;
        using (Autograd.NoGrad())
        using (TensorScope.Enter())
        {
            using var output = detector.Model.ForwardHeads(batch);
            logits = output.ClassLogits.Contiguous().ToArray();
            deltas = output.BoxRegression.Contiguous().ToArray();
        }
        var input = new DenseTensor<float>(batch.Images.ToArray(), batch.Shape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("images", input)]);
        int k = detector.Model.Config.NumClasses;
        AssertLevelsEqual(results, "cls_logits", k, logits, batch.Count);
        AssertLevelsEqual(results, "bbox_regression", 4, deltas, batch.Count);
    }

    /// <summary>Concatenates the per-level outputs per image as ForwardHeads does and compares within float tolerance.</summary>
    private void AssertLevelsEqual(IReadOnlyCollection<DisposableNamedOnnxValue> results, string prefix, int width, float[] expected, int batch)
    {
        var perImage = new List<float>[batch];
        for (int n = 0; n < batch; n++) perImage[n] = [];
        for (int level = 3; level <= 7; level++)
        {
            var t = results.First(r => r.Name == $"{prefix}_p{level}").AsTensor<float>();
            Assert.Equal(width, t.Dimensions[2]);
            var data = t.ToArray();
            int per = data.Length / batch;
            for (int n = 0; n < batch; n++) perImage[n].AddRange(data.AsSpan(n * per, per).ToArray());
        }
        var actual = perImage.SelectMany(p => p).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        float scale = Math.Max(1f, expected.Max(MathF.Abs));
        float worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, MathF.Abs(expected[i] - actual[i]));
        log.WriteLine($"{prefix}: {expected.Length} values up to {scale}, largest difference {worst}");
        Assert.True(worst <= 1e-4f * scale, $"{prefix}: largest difference {worst} (values up to {scale})");
    }

    [Theory]
    [InlineData(13)]
    [InlineData(21)]
    public void Other_opsets_run_and_agree(int opset)
    {
        using var detector = Load("v2_weights.pth");
        using var ort = new OnnxDetectorSession(RetinaNetOnnxExporter.ToBytes(detector, new OnnxExportOptions { Opset = opset }));
        var image = TestImages.Several()[1];
        var ours = detector.Detect(image);
        Assert.NotEmpty(ours);
        Assert.True(DetectionComparison.AgreedFraction(ours, detector.CategoryIdOf, ort.Detect(image), out var mismatch) >= 0.99, mismatch);
    }

    [Fact]
    public void An_image_without_detections_gives_empty_outputs()
    {
        using var detector = Load("v1_weights.pth");
        detector.Inference = detector.Inference with { ScoreThreshold = 0.999f };
        using var ort = new OnnxDetectorSession(RetinaNetOnnxExporter.ToBytes(detector));
        var image = TestImages.Photo();
        Assert.Empty(detector.Detect(image));
        Assert.Empty(ort.Detect(image));
    }

    [Theory]
    [InlineData(12)]
    [InlineData(22)]
    public void Unsupported_opsets_are_refused_by_name(int opset)
    {
        using var detector = Load("v1_weights.pth");
        var e = Assert.Throws<ArgumentException>(() => RetinaNetOnnxExporter.ToBytes(detector, new OnnxExportOptions { Opset = opset }));
        Assert.Contains($"Opset {opset} is not supported", e.Message);
        Assert.Contains($"{OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset}", e.Message);
    }

    [Fact]
    public void Metadata_carries_classes_and_input_settings()
    {
        using var detector = Load("v1_weights.pth");
        using var ort = new OnnxDetectorSession(RetinaNetOnnxExporter.ToBytes(detector));
        var meta = ort.Metadata;
        Assert.Equal("96", meta["min_size"]);
        Assert.Equal("160", meta["max_size"]);
        Assert.Equal("0.485,0.456,0.406", meta["image_mean"]);
        Assert.Equal("0.05", meta["score_threshold"]);
        Assert.Equal("100", meta["detections_per_image"]);
        Assert.Equal("[0,1,2,3,4]", meta["retinasharp.category_ids"]);
        var input = ort.Session.InputMetadata["image"];
        Assert.Equal([3, -1, -1], input.Dimensions);
    }
}
