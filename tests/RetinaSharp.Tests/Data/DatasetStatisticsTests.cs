using RetinaSharp.Data;
using RetinaSharp.Structures;
using Xunit;

namespace RetinaSharp.Tests.Data;

public sealed class DatasetStatisticsTests
{
    [Fact]
    public void CountsBinsAndRanges()
    {
        var samples = new List<(SampleInfo, ImageAnnotations, RetinaSharp.Imaging.RgbImage)>
        {
            // sqrt(area): 10 → bin 0; 16 → bin 1 (16–32); 100 → bin 3; 600 → bin 6 (≥ 512).
            (new SampleInfo(1, "a", "a", new ImageSize(700, 800)),
             new ImageAnnotations([new Box(0, 0, 10, 10), new Box(0, 0, 8, 32), new Box(0, 0, 200, 50), new Box(0, 0, 600, 600)], [0, 1, 1, 1], [new Box(0, 0, 5, 5)], [0]),
             new RetinaSharp.Imaging.RgbImage(800, 700)),
            (new SampleInfo(2, "b", "b", new ImageSize(30, 20)), ImageAnnotations.Empty, new RetinaSharp.Imaging.RgbImage(20, 30)),
            (new SampleInfo(3, "c", "c", new ImageSize(40, 90)), new ImageAnnotations([], [], [new Box(1, 1, 2, 2)], [1]), new RetinaSharp.Imaging.RgbImage(90, 40)),
        };
        var ds = new InMemoryDetectionDataset(ClassList.FromNames(["x", "y"]), samples);
        var s = DatasetStatistics.Compute(ds);
        Assert.Equal(3, s.Images);
        Assert.Equal(2, s.ImagesWithoutBoxes); // an image with only ignore regions has no boxes
        Assert.Equal(4, s.Boxes);
        Assert.Equal(2, s.IgnoreRegions);
        Assert.Equal([1, 3], s.BoxesPerClass);
        Assert.Equal([1, 1], s.IgnoreRegionsPerClass);
        Assert.Equal([1, 1, 0, 1, 0, 0, 1], s.SizeHistogram);
        Assert.Equal(0.25, s.MinAspectRatio); // 50 / 200
        Assert.Equal(4.0, s.MaxAspectRatio);  // 32 / 8
        Assert.Equal((20, 800, 30, 700), (s.MinWidth, s.MaxWidth, s.MinHeight, s.MaxHeight));
        Assert.Equal(0, s.ImagesOfUnknownSize);
    }
}
