using RetinaSharp.Data.Coco;
using RetinaSharp.Data.Synthetic;
using RetinaSharp.Imaging;
using RetinaSharp.Losses;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Testing;
using RetinaSharp.Training;
using Xunit;
using Xunit.Abstractions;

namespace RetinaSharp.Export.Tests;

/// <summary>
/// A checkpoint of our own (group or trainable batch norm in the backbone, group norm in the heads,
/// its own classes and category ids),
/// trained for a few steps on synthetic shapes, exported and run in ONNX Runtime.
/// </summary>
public sealed class TrainedCheckpointExportTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(NormKind.GroupNorm)]
    [InlineData(NormKind.BatchNorm)]
    public void Onnx_runtime_finds_our_detections_with_our_category_ids(NormKind norm)
    {
        using var dir = new TempDir();
        SyntheticDataset.Generate(new SyntheticOptions
        {
            Seed = 5,
            TrainImages = 16,
            ValImages = 4,
            Settings = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Easy, 64) with
            {
                Shapes = [ShapeKind.Circle, ShapeKind.Square, ShapeKind.Triangle],
                MinObjectSize = 16,
                MinVisibleSize = 16,
                MaxObjects = 2,
            },
        }, dir.Path);
        var train = CocoDetectionDataset.Open(Path.Combine(dir.Path, "train.json"), Path.Combine(dir.Path, "train"));
        var options = new TrainingOptions
        {
            Model = new RetinaNetConfig
            {
                Backbone = "resnet18", BackboneWidth = 1.0 / 8, BackboneNorm = norm, TrainableBackboneLayers = 5,
                NumClasses = train.Classes.Count, FpnChannels = 32, HeadDepth = 2, HeadGroupNorm = true,
                AnchorSizes = [8, 16, 32, 64, 128], MinSize = 64, MaxSize = 96, BoxLoss = BoxLossKind.GIoU,
            },
            Optimizer = "adamw", LearningRate = 5e-3f, ImagesPerStep = 8, Iterations = 4, WarmupIterations = 1,
            TrainMinSizes = [64], Threads = 2, Seed = 3, LogEvery = 1, CheckpointEvery = 0,
        };
        var result = new Trainer(options, train, Path.Combine(dir.Path, "run")).Run();
        Assert.Equal(StopReason.Completed, result.StopReason);

        using var detector = RetinaNetDetector.Load(result.LastCheckpoint);
        Assert.NotNull(detector.CategoryIds);
        // A few steps in, scores are low: a low threshold leaves many detections to compare.
        detector.Inference = detector.Inference with { ScoreThreshold = 0.01f, DetectionsPerImage = 100 };
        var exported = Path.Combine(dir.Path, "model.onnx");
        RetinaNetOnnxExporter.Export(detector, exported);
        using var ort = new OnnxDetectorSession(File.ReadAllBytes(exported));

        var images = Directory.EnumerateFiles(Path.Combine(dir.Path, "val")).Order(StringComparer.Ordinal).Select(f => ImageFile.Load(f)).ToList();
        images.Add(TestImages.Photo());
        int compared = 0;
        foreach (var image in images)
        {
            var ours = detector.Detect(image);
            var theirs = ort.Detect(image);
            double agreed = DetectionComparison.AgreedFraction(ours, detector.CategoryIdOf, theirs, out var mismatch);
            log.WriteLine($"{image.Width}x{image.Height}: {ours.Count} ours, {theirs.Count} ONNX Runtime, {agreed:P2} agree");
            Assert.True(agreed >= 0.99, $"{image.Width}x{image.Height}: {agreed:P1} of {ours.Count}/{theirs.Count} agree; {mismatch}");
            compared += ours.Count;
        }
        Assert.True(compared >= 50, $"only {compared} detections compared");
        var ids = ort.Metadata[RetinaNetOnnxExporter.MetadataKeys.CategoryIds];
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(train.Classes.Select(c => c.CategoryId)), ids);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(train.Classes.Select(c => c.Name)), ort.Metadata[RetinaNetOnnxExporter.MetadataKeys.ClassNames]);
    }
}
