using RetinaSharp.Data;
using RetinaSharp.Data.Loading;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Evaluation;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Structures;
using RetinaSharp.Tensors;
using RetinaSharp.Tests.Data;
using Xunit;

namespace RetinaSharp.Tests.Evaluation;

public sealed class ValidationLossTests
{
    [Fact]
    public void Is_the_mean_over_images_of_each_image_s_own_loss()
    {
        var config = new RetinaNetConfig
        {
            Backbone = "resnet18", BackboneWidth = 0.125, BackboneNorm = NormKind.GroupNorm, NumClasses = 2, FpnChannels = 16, HeadDepth = 1,
            AnchorSizes = [8, 16, 32, 64, 128], MinSize = 64, MaxSize = 64,
        };
        using var model = new RetinaNet(config, seed: 6);
        Box[][] boxes = [[new(4, 6, 30, 40)], [new(10, 10, 50, 30), new(40, 40, 60, 62)], []];
        var samples = new List<(SampleInfo, ImageAnnotations, RetinaSharp.Imaging.RgbImage)>();
        for (int i = 0; i < boxes.Length; i++)
            samples.Add((new SampleInfo(i, $"i{i}", $"i{i}.png", new ImageSize(64, 64)),
                new ImageAnnotations(boxes[i], [.. boxes[i].Select((_, k) => k % 2)], [], []), TestImages.Pattern(64, 64, i)));
        var dataset = new InMemoryDetectionDataset(ClassList.FromNames(["a", "b"]), samples);

        var (cls, box) = DetectorEvaluation.Loss(model, dataset, batchSize: 2);

        double expectedCls = 0, expectedBox = 0;
        var transform = new DetectionTransform(config.Transform);
        model.Eval();
        using var noGrad = Autograd.NoGrad();
        for (int i = 0; i < boxes.Length; i++)
        {
            using var batch = DetectionBatch.FromImages([dataset.LoadImage(i)], transform);
            using var scope = TensorScope.Enter();
            var output = model.ForwardHeads(batch);
            // The image is used at its own size (64 px), so its boxes need no scaling.
            var loss = model.ComputeLoss(output, [new DetectionTarget(boxes[i], [.. boxes[i].Select((_, k) => k % 2)], [])]);
            expectedCls += loss.Classification.Item() / boxes.Length;
            expectedBox += loss.BoxRegression.Item() / boxes.Length;
        }
        Assert.Equal(expectedCls, cls, 5);
        Assert.Equal(expectedBox, box, 5);
        Assert.True(box > 0 && cls > 0);
    }
}
