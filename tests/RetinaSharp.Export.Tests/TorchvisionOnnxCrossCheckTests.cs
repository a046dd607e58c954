using Xunit;
using Xunit.Abstractions;

namespace RetinaSharp.Export.Tests;

/// <summary>
/// torchvision's own torch.onnx export of the v1 fixture model (tools/make_torchvision_onnx_fixtures.py)
/// and ours, run side by side in ONNX Runtime on the same images.
/// </summary>
public sealed class TorchvisionOnnxCrossCheckTests(ITestOutputHelper log)
{
    [Fact]
    public void Our_export_detects_what_torchvisions_export_detects()
    {
        // The settings torchvision's model was built with: min_size 48, max_size 80, 100 detections, score 0.05, NMS 0.5.
        using var detector = RetinaNetDetector.Load(TestImages.Fixture("retinanet", "v1_weights.pth"), c => c with { MinSize = 48, MaxSize = 80 });
        detector.Inference = detector.Inference with { DetectionsPerImage = 100 };
        using var ours = new OnnxDetectorSession(RetinaNetOnnxExporter.ToBytes(detector));
        using var torchvision = new OnnxDetectorSession(File.ReadAllBytes(TestImages.Fixture("torchvision_v1.onnx")));
        int compared = 0;
        foreach (var image in TestImages.Several())
        {
            // torch.onnx's graph computes the resized size as floor(side · scale) in float32, eager
            // torchvision (and we) in double; where they differ (the 251×459 crop: 80 rows against 79)
            // the two exports see different pixels, and only eager torchvision is the reference.
            if (!SameResizedSizeInFloat32(image.Height, image.Width, 48, 80))
            {
                log.WriteLine($"{image.Width}x{image.Height}: skipped, torch.onnx's float32 size differs from torchvision's");
                continue;
            }
            compared++;
            var expected = torchvision.Detect(image);
            var actual = ours.Detect(image);
            Assert.True(expected.Count >= 20, $"{image.Width}x{image.Height}: torchvision found only {expected.Count}");
            // The comparison pairs detections of its first list with the second; torchvision's become "ours" here.
            var asDetections = expected.Select(d => new Structures.Detection(new Structures.Box(d.X1, d.Y1, d.X2, d.Y2), d.Score, (int)d.CategoryId)).ToList();
            double agreed = DetectionComparison.AgreedFraction(asDetections, label => label, actual, out var mismatch);
            log.WriteLine($"{image.Width}x{image.Height}: torchvision {expected.Count}, ours {actual.Count}, {agreed:P2} agree");
            Assert.True(agreed >= 0.99, $"{image.Width}x{image.Height}: {agreed:P1} agree; {mismatch}");
        }
        Assert.True(compared >= 3, $"only {compared} images compared");
    }

    private static bool SameResizedSizeInFloat32(int height, int width, int minSize, int maxSize)
    {
        double scale = Data.Transforms.DetectionTransform.ResizeScale(new Structures.ImageSize(height, width), minSize, maxSize);
        float f = (float)scale;
        return Math.Floor(height * scale) == MathF.Floor(height * f) && Math.Floor(width * scale) == MathF.Floor(width * f);
    }
}
