using RetinaSharp.Data;
using Xunit;

namespace RetinaSharp.Tests.Data;

public sealed class DatasetSamplesTests
{
    [Fact]
    public void ExposesADatasetAsTrainingSamplesWithFlatBoxes()
    {
        var image = new RetinaSharp.Imaging.RgbImage(30, 20);
        var annotations = new ImageAnnotations([new Box(1, 2, 3, 4), new Box(5, 6, 7, 8)], [1, 0], [new Box(9, 10, 11, 12)], [1]);
        var ds = new InMemoryDetectionDataset(ClassList.FromNames(["p", "q"]), [(new SampleInfo(42, "k", "k.png", new ImageSize(20, 30)), annotations, image)]);
        var samples = new DatasetSamples(ds);
        Assert.Equal(["p", "q"], samples.ClassNames);
        Assert.Equal((30, 20), samples.Size(0));
        Assert.Equal(42L, samples.ImageId(0));
        var s = samples.Load(0);
        Assert.Same(image, s.Image);
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8], s.Boxes);
        Assert.Equal([1, 0], s.Labels);
        Assert.Equal([9f, 10, 11, 12], s.IgnoreRegions);
    }
}
