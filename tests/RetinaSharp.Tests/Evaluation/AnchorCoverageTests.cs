using RetinaSharp.Data;
using RetinaSharp.Evaluation;
using RetinaSharp.Imaging;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Structures;
using RetinaSharp.Tensors;
using Xunit;

namespace RetinaSharp.Tests.Evaluation;

public sealed class AnchorCoverageTests
{
    private static RetinaNetConfig Config() => new()
    {
        Backbone = "resnet18", BackboneWidth = 1.0 / 16, BackboneNorm = NormKind.GroupNorm, NumClasses = 1, FpnChannels = 16, HeadDepth = 1,
        MinSize = 256, MaxSize = 256,
    };

    private static InMemoryDetectionDataset Dataset(params Box[] boxes) => new(ClassList.FromNames(["x"]),
        [(new SampleInfo(1, "a", "a.png", new ImageSize(256, 256)), new ImageAnnotations(boxes, new int[boxes.Length], [], []), new RgbImage(256, 256))]);

    [Theory]
    [InlineData(256, 256)]
    [InlineData(96, 160)]
    [InlineData(320, 64)]
    public void Feature_sizes_are_the_network_s_own(int height, int width)
    {
        using var model = new RetinaNet(Config());
        using var _ = Autograd.NoGrad();
        using var input = Tensor.Zeros([1, 3, height, width]);
        using var output = model.ForwardHeads(input);
        Assert.Equal(output.FeatureSizes, AnchorCoverage.FeatureSizes(new ImageSize(height, width)));
    }

    [Fact]
    public void Boxes_fall_into_size_buckets_by_their_best_anchor()
    {
        // [16, 16, 48, 48] is the 32 px square anchor centred on (32, 32) of P3 (stride 8): IoU 1.
        // A 4 px box inside a 32 px anchor has IoU at most 16 / 1024 < 0.4.
        var buckets = AnchorCoverage.Compute(Dataset(new Box(16, 16, 48, 48), new Box(100, 100, 104, 104)), Config());
        var small = buckets.Single(b => b.MaxSize == 16);
        Assert.Equal((1, 0, 0, 1), (small.Boxes, small.Positive, small.Between, small.Below));
        var medium = buckets.Single(b => b.MinSize == 32 && b.MaxSize == 64);
        Assert.Equal((1, 1, 0, 0), (medium.Boxes, medium.Positive, medium.Between, medium.Below));
        Assert.Equal(0.5, AnchorCoverage.PositiveShare(buckets));
    }

    [Fact]
    public void Fitting_moves_the_anchors_down_to_small_objects()
    {
        // 12 px squares on a 4 px grid of positions: torchvision's 32 px smallest anchor cannot reach IoU 0.5 (at best 144/1024).
        var boxes = new List<Box>();
        for (int i = 0; i < 10; i++) boxes.Add(new Box(20 * i + 4, 40, 20 * i + 16, 52));
        var data = Dataset([.. boxes]);
        Assert.Equal(0, AnchorCoverage.PositiveShare(AnchorCoverage.Compute(data, Config())));
        var fitted = AnchorCoverage.Fit(data, Config());
        Assert.True(fitted.AnchorSizes[0] < 32, $"smallest anchor {fitted.AnchorSizes[0]}");
        Assert.True(AnchorCoverage.PositiveShare(AnchorCoverage.Compute(data, fitted)) > 0.5);
    }
}
