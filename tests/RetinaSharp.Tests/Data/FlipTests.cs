using RetinaSharp.Data;
using RetinaSharp.Data.Loading;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Imaging;
using RetinaSharp.Structures;
using Xunit;

namespace RetinaSharp.Tests.Data;

public sealed class FlipTests
{
    [Fact]
    public void BoxesMirrorAcrossTheImageWidth()
    {
        // Image 100 wide: [10, 5, 30, 25] → [100 − 30, 5, 100 − 10, 25].
        var flipped = DetectionTransform.FlipBoxes([new Box(10, 5, 30, 25), new Box(0, 0, 100, 1)], 100);
        Assert.Equal(new Box(70, 5, 90, 25), flipped[0]);
        Assert.Equal(new Box(0, 0, 100, 1), flipped[1]);
    }

    [Fact]
    public void ImageMirrorsPixelColumns()
    {
        var image = new RgbImage(3, 2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
        var flipped = DetectionTransform.FlipImage(image);
        Assert.Equal(new byte[] { 7, 8, 9, 4, 5, 6, 1, 2, 3, 16, 17, 18, 13, 14, 15, 10, 11, 12 }, flipped.Pixels);
    }

    [Fact]
    public void FlippedTransformEqualsTransformOfFlippedImage()
    {
        var image = TestImages.Pattern(23, 17, seed: 5);
        var transform = new DetectionTransform(new TransformOptions { MinSizes = [40], MaxSize = 80 });
        var a = transform.Apply(image, 40, flip: true, out var sizeA);
        var b = transform.Apply(DetectionTransform.FlipImage(image), 40, flip: false, out var sizeB);
        Assert.Equal(sizeB, sizeA);
        Assert.Equal(b, a);
    }

    [Fact]
    public void LoaderFlipsImageAndBoxesAndMapsPredictionsBack()
    {
        var image = TestImages.Pattern(40, 20, seed: 9);
        var target = new ImageAnnotations([new Box(2, 3, 12, 9)], [0], [new Box(30, 0, 40, 4)], [0]);
        var dataset = new InMemoryDetectionDataset(ClassList.FromNames(["a"]),
            [(new SampleInfo(1, "x", "x.png", new ImageSize(20, 40)), target, image)]);
        var options = new DataLoaderOptions
        {
            BatchSize = 1, FlipProbability = 1, Workers = 0,
            Transform = new TransformOptions { MinSizes = [40], MaxSize = 100 },
        };
        using var loader = new DetectionDataLoader(dataset, options);
        using var batch = loader.LoadBatch(new LoaderPosition(0, 0))!;
        var item = batch.Items[0];
        Assert.True(item.Flipped);
        // Scale 2: flip in original pixels ([40 − 12, 3, 40 − 2, 9] = [28, 3, 38, 9]) then double.
        Assert.Equal(new ImageSize(40, 80), item.ResizedSize);
        Assert.Equal(new Box(56, 6, 76, 18), item.Boxes[0]);
        Assert.Equal(new Box(0, 0, 20, 8), item.IgnoreBoxes[0]);
        Assert.Equal(target.Boxes[0], item.ToOriginal(item.Boxes)[0]);
        var lossTarget = item.ToTarget();
        Assert.Equal([new Box(56, 6, 76, 18)], lossTarget.Boxes);
        Assert.Equal([new Box(0, 0, 20, 8)], lossTarget.IgnoreRegions);
        Assert.Equal([0], lossTarget.Labels);
        // The flat-array form used by the training code agrees with the Box form.
        var transformed = new DetectionTransform(options.Transform).Apply(image, 40, 100, flip: true);
        Assert.Equal([56f, 6f, 76f, 18f], DetectionTransform.TransformBoxes([2f, 3f, 12f, 9f], transformed, flip: true));

        var expected = new DetectionTransform(options.Transform).Apply(DetectionTransform.FlipImage(image), 40, false, out _);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 40; y++)
                for (int x = 0; x < 80; x++)
                    Assert.Equal(expected[(c * 40 + y) * 80 + x], batch.Images[(c * batch.Height + y) * batch.Width + x]);
    }
}
