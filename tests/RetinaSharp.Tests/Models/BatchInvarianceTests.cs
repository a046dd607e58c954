using RetinaSharp.Data;
using RetinaSharp.Data.Loading;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Evaluation;
using RetinaSharp.Imaging;
using RetinaSharp.Losses;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Structures;
using RetinaSharp.Tensors;
using RetinaSharp.Tests.Data;
using Xunit;

namespace RetinaSharp.Tests.Models;

/// <summary>
/// An image's detections must not depend on the images it is batched with: group norms over a
/// padded batch take the zero padding of smaller images into their statistics, so the detector and
/// the evaluation loader batch only images of equal padded size.
/// </summary>
public sealed class BatchInvarianceTests
{
    private static RetinaNetConfig GroupNormConfig() => new()
    {
        Backbone = "resnet18", BackboneWidth = 1.0 / 8, BackboneNorm = NormKind.GroupNorm, TrainableBackboneLayers = 5, NumClasses = 3,
        FpnChannels = 16, HeadDepth = 2, HeadGroupNorm = true, AnchorSizes = [8, 16, 32, 64, 128], BoxLoss = BoxLossKind.SmoothL1,
        MinSize = 64, MaxSize = 128, DetectionsPerImage = 50,
    };

    private static RetinaNet Model()
    {
        var model = new RetinaNet(GroupNormConfig(), seed: 4);
        // Raise the class prior so that the untrained model reports many boxes above 0.05.
        model.Head.ClassificationHead.NamedParameters().First(p => p.Name == "cls_logits.bias").Parameter.Fill(0.5f);
        return model;
    }

    // Three sizes with different padded sizes at MinSize 64 (64x64, 96x64 and 128x64 after padding), and one repeat of the first size.
    private static readonly (int W, int H)[] Sizes = [(64, 64), (90, 60), (128, 64), (64, 64)];

    private static RgbImage[] Images() => [.. Sizes.Select((s, i) => TestImages.Pattern(s.W, s.H, seed: 3 + i))];

    private static void AssertSame(IReadOnlyList<Detection> alone, IReadOnlyList<Detection> batched, string what)
    {
        Assert.True(alone.Count > 0, $"{what}: no detections to compare");
        Assert.Equal(alone.Count, batched.Count);
        for (int i = 0; i < alone.Count; i++) Assert.True(alone[i] == batched[i], $"{what}: detection {i} is {batched[i]} in the batch but {alone[i]} alone");
    }

    [Fact]
    public void Detect_gives_each_image_its_own_result_in_a_mixed_batch()
    {
        using var detector = new RetinaNetDetector(Model()) { MaxBatchSize = 4 };
        var images = Images();
        var batched = detector.Detect(images);
        for (int i = 0; i < images.Length; i++)
        {
            Assert.Equal(i, batched[i].ImageId);
            Assert.Equal(new ImageSize(Sizes[i].H, Sizes[i].W), batched[i].Size);
            AssertSame(detector.Detect(images[i]), batched[i].Detections, $"image {i}");
        }
    }

    [Fact]
    public void Padding_images_together_changes_group_norm_results()
    {
        // The cause the grouping removes: the same image padded into a bigger batch scores differently.
        using var model = Model();
        var images = Images();
        var transform = new DetectionTransform(model.Config.Transform);
        using var alone = DetectionBatch.FromImages([images[0]], transform);
        using var mixed = DetectionBatch.FromImages(images, transform);
        var a = model.Predict(alone)[0].Detections;
        var m = model.Predict(mixed)[0].Detections;
        Assert.True(a.Count > 0);
        bool differs = a.Count != m.Count;
        for (int i = 0; i < Math.Min(a.Count, m.Count) && !differs; i++) differs = a[i] != m[i];
        Assert.True(differs, "a padded mixed batch gave exactly the single-image result; the group-norm padding effect is gone");
    }

    [Fact]
    public void Evaluation_predictions_equal_detect_on_each_image()
    {
        using var model = Model();
        var images = Images();
        var classes = ClassList.FromNames(["a", "b", "c"]);
        var dataset = new InMemoryDetectionDataset(classes, [.. images.Select((im, i) => (
            new SampleInfo(100 + i, $"i{i}", $"i{i}.png", new ImageSize(im.Height, im.Width)), ImageAnnotations.Empty, im))]);
        var predicted = DetectorEvaluation.Predict(model, dataset, batchSize: 4);
        using var detector = new RetinaNetDetector(new RetinaNet(GroupNormConfig(), seed: 4));
        detector.Model.Head.ClassificationHead.NamedParameters().First(p => p.Name == "cls_logits.bias").Parameter.Fill(0.5f);
        Assert.Equal(images.Length, predicted.Count);
        foreach (var p in predicted)
        {
            int i = (int)(p.ImageId - 100);
            AssertSame(detector.Detect(images[i]), p.Detections, $"image {i}");
        }
    }

    [Fact]
    public void Boxes_come_back_in_original_pixels()
    {
        // Hand-computed mapping: a 90x60 image resized to 96x64 (scale 64/60) maps a box back by 90/96 and 60/64.
        var transform = new DetectionTransform(new TransformOptions { MinSizes = [64], MaxSize = 128 });
        using var batch = DetectionBatch.FromImages([TestImages.Pattern(90, 60, 1)], transform);
        var item = batch.Items[0];
        Assert.Equal(new ImageSize(64, 96), item.ResizedSize);
        Assert.Equal(new Box(9.375f, 3.75f, 90f, 60f), item.ToOriginal(new Box(10, 4, 96, 64)));
    }
}
