using RetinaSharp.Testing;
using System.Text.Json;
using RetinaSharp.Data;
using RetinaSharp.Data.Loading;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Imaging;
using RetinaSharp.Structures;
using Xunit;

namespace RetinaSharp.Tests.Data;

/// <summary>Against torchvision 0.14's GeneralizedRCNNTransform (fixtures from tools/make_transform_fixtures.py).</summary>
public sealed class TransformParityTests
{
    private const float Tolerance = 1e-5f;

    private sealed record FixtureImage(RgbImage Image, Box[] Boxes, ImageSize Resized, Box[] ResizedBoxes, Box[] Predicted, Box[] Mapped);

    private static JsonElement Case(string name)
    {
        foreach (var c in TransformFixtures.Manifest.GetProperty("transforms").EnumerateArray())
            if (c.GetProperty("name").GetString() == name) return c;
        throw new InvalidOperationException($"no fixture case {name}");
    }

    private static Box[] Boxes(string name)
    {
        var a = TransformFixtures.Array(name).AsFloat32();
        var boxes = new Box[a.Length / 4];
        for (int i = 0; i < boxes.Length; i++) boxes[i] = new Box(a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3]);
        return boxes;
    }

    private static List<FixtureImage> Images(JsonElement c)
    {
        var list = new List<FixtureImage>();
        foreach (var im in c.GetProperty("images").EnumerateArray())
        {
            var pixels = TransformFixtures.Array(im.GetProperty("pixels").GetString()!);
            var image = new RgbImage(pixels.Shape[1], pixels.Shape[0], pixels.AsUInt8());
            list.Add(new FixtureImage(image, Boxes(im.GetProperty("boxes").GetString()!),
                new ImageSize(im.GetProperty("resizedHeight").GetInt32(), im.GetProperty("resizedWidth").GetInt32()),
                Boxes(im.GetProperty("resizedBoxes").GetString()!), Boxes(im.GetProperty("predictedBoxes").GetString()!),
                Boxes(im.GetProperty("mappedBoxes").GetString()!)));
        }
        return list;
    }

    private static DetectionTransform Transform(JsonElement c) => new(new TransformOptions
    {
        MinSizes = [c.GetProperty("minSize").GetInt32()],
        MaxSize = c.GetProperty("maxSize").GetInt32(),
    });

    private static void AssertBoxesEqual(Box[] expected, Box[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i].X1 - actual[i].X1) <= tolerance && Math.Abs(expected[i].Y1 - actual[i].Y1) <= tolerance
                && Math.Abs(expected[i].X2 - actual[i].X2) <= tolerance && Math.Abs(expected[i].Y2 - actual[i].Y2) <= tolerance,
                $"box {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void ResizedSizesMatchTorchvisionOverManyShapes()
    {
        int checkedCount = 0;
        foreach (var row in TransformFixtures.Manifest.GetProperty("sizes").EnumerateArray())
        {
            var v = row.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var got = DetectionTransform.ResizedSize(new ImageSize(v[2], v[3]), v[0], v[1]);
            // torch refuses a 0-pixel side (recorded as 0); we give it 1 pixel.
            var want = new ImageSize(Math.Max(1, v[4]), Math.Max(1, v[5]));
            Assert.True(want == got, $"min {v[0]} max {v[1]} image {v[2]}x{v[3]} (h x w): torch {want}, ours {got}");
            checkedCount++;
        }
        Assert.True(checkedCount > 600);
    }

    [Fact]
    public void SmallBatchMatchesTorchvision()
    {
        var c = Case("small");
        var images = Images(c);
        var transform = Transform(c);
        using var batch = DetectionBatch.FromImages(images.Select(i => i.Image).ToList(), transform, maxDegreeOfParallelism: 2);
        Assert.Equal(c.GetProperty("batchShape").EnumerateArray().Select(e => e.GetInt32()).ToArray(), batch.Shape);
        var want = TransformFixtures.Array(c.GetProperty("batch").GetString()!).AsFloat32();
        var got = batch.Images;
        Assert.Equal(want.Length, got.Length);
        float maxDiff = 0;
        for (int i = 0; i < want.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(want[i] - got[i]));
        Assert.True(maxDiff <= Tolerance, $"max abs diff {maxDiff}");
        for (int i = 0; i < images.Count; i++)
        {
            Assert.Equal(images[i].Resized, batch.Items[i].ResizedSize);
            Assert.Equal(new ImageSize(images[i].Image.Height, images[i].Image.Width), batch.Items[i].OriginalSize);
            // postprocess: predictions in batch coordinates back to the original image.
            AssertBoxesEqual(images[i].Mapped, batch.Items[i].ToOriginal(images[i].Predicted), 1e-4f);
        }
    }

    [Fact]
    public void LoaderTargetsMatchTorchvisionResizedBoxes()
    {
        var c = Case("small");
        var images = Images(c);
        var classes = ClassList.FromNames(["thing"]);
        var samples = images.Select((im, i) => (
            new SampleInfo(i, $"img{i}", $"img{i}.png", new ImageSize(im.Image.Height, im.Image.Width)),
            new ImageAnnotations(im.Boxes, new int[im.Boxes.Length], [], []),
            im.Image)).ToList();
        var dataset = new InMemoryDetectionDataset(classes, samples);
        // Padded together, as torchvision's transform batches them (evaluation would batch only equal padded sizes).
        var options = DataLoaderOptions.Evaluation(batchSize: 3, new TransformOptions { MinSizes = [c.GetProperty("minSize").GetInt32()], MaxSize = c.GetProperty("maxSize").GetInt32() })
            with { GroupByPaddedSize = false };
        using var loader = new DetectionDataLoader(dataset, options);
        var batches = loader.ReadEpoch(0).ToList();
        var batch = Assert.Single(batches);
        var want = TransformFixtures.Array(c.GetProperty("batch").GetString()!).AsFloat32();
        float maxDiff = 0;
        for (int i = 0; i < want.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(want[i] - batch.Images[i]));
        Assert.True(maxDiff <= Tolerance, $"max abs diff {maxDiff}");
        for (int i = 0; i < images.Count; i++)
        {
            Assert.False(batch.Items[i].Flipped);
            Assert.Equal(i, batch.Items[i].SampleIndex);
            AssertBoxesEqual(images[i].ResizedBoxes, batch.Items[i].Boxes, 1e-5f);
        }
        batch.Dispose();
    }

    [Fact]
    public void DefaultSizesOnTinyImageMatchTorchvision()
    {
        var c = Case("default");
        var images = Images(c);
        var transform = new DetectionTransform();
        using var batch = DetectionBatch.FromImages([images[0].Image], transform);
        Assert.Equal(c.GetProperty("batchShape").EnumerateArray().Select(e => e.GetInt32()).ToArray(), batch.Shape);
        Assert.Equal(images[0].Resized, batch.Items[0].ResizedSize);

        var rows = c.GetProperty("rows").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var slices = TransformFixtures.Array(c.GetProperty("rowSlices").GetString()!).AsFloat32();
        int H = batch.Height, W = batch.Width;
        float maxDiff = 0;
        for (int ch = 0; ch < 3; ch++)
            for (int r = 0; r < rows.Length; r++)
                for (int x = 0; x < W; x++)
                {
                    float want = slices[(ch * rows.Length + r) * W + x];
                    float got = batch.Images[(ch * H + rows[r]) * W + x];
                    maxDiff = Math.Max(maxDiff, Math.Abs(want - got));
                }
        Assert.True(maxDiff <= Tolerance, $"max abs diff {maxDiff}");

        double sum = 0, absSum = 0;
        foreach (var v in batch.Images) { sum += v; absSum += Math.Abs(v); }
        Assert.Equal(c.GetProperty("sum").GetDouble(), sum, 0.05);
        Assert.Equal(c.GetProperty("absSum").GetDouble(), absSum, 0.05);

        var scaled = DetectionTransform.ScaleBoxes(images[0].Boxes, batch.Items[0].OriginalSize, batch.Items[0].ResizedSize);
        AssertBoxesEqual(images[0].ResizedBoxes, scaled, 1e-4f);
        AssertBoxesEqual(images[0].Mapped, batch.Items[0].ToOriginal(images[0].Predicted), 1e-5f);
    }

    [Fact]
    public void NormalizationIsTorchsFloat32Arithmetic()
    {
        // Values printed by torch 1.13 for the pixel (128, 0, 255): (x / 255 − mean) / std in float32.
        var image = new RgbImage(1, 1, [128, 0, 255]);
        var output = new float[3];
        new DetectionTransform().Normalize(image, flip: false, output);
        Assert.Equal(0.07406462728977203f, output[0]);
        Assert.Equal(-2.0357141494750977f, output[1]);
        Assert.Equal(2.640000104904175f, output[2]);
    }
}
