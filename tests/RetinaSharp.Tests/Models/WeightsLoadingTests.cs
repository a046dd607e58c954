using RetinaSharp.Checkpoints;
using RetinaSharp.Losses;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Serialization;
using RetinaSharp.Training;
using Xunit;

namespace RetinaSharp.Tests.Models;

public sealed class WeightsLoadingTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "retinanet", name);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Architecture_is_read_from_torchvision_state_dict_keys_and_shapes(bool v2)
    {
        using var sd = TorchCheckpoint.LoadStateDict(Fixture(v2 ? "v2_weights.pth" : "v1_weights.pth"));
        var c = RetinaNetConfigInference.Infer(sd, "fixture");
        Assert.Equal("resnet18", c.Backbone);
        Assert.Equal(1.0 / 16, c.BackboneWidth);
        Assert.Equal(NormKind.FrozenBatchNorm, c.BackboneNorm);
        Assert.Equal(5, c.NumClasses);
        Assert.Equal(32, c.FpnChannels);
        Assert.Equal(4, c.HeadDepth);
        Assert.Equal(v2, c.HeadGroupNorm);
        // Here C5 has the FPN's 32 channels, so the weights cannot tell P5 from C5; like torchvision,
        // inference then takes P5 (the v2 fixture forces C5 at run time, which no file records).
        Assert.False(c.P6FromC5);
        Assert.Equal(v2 ? BoxLossKind.GIoU : BoxLossKind.L1, c.BoxLoss);
        // The inferred model accepts the state dict as is (strict).
        using var model = new RetinaNet(c);
        model.LoadStateDict(sd);
    }

    [Fact]
    public void Inference_refuses_a_state_dict_that_is_not_a_retinanet_and_names_the_key()
    {
        using var sd = new StateDict([new("conv1.weight", Tensor.Zeros([8, 3, 7, 7]))]);
        var e = Assert.Throws<InvalidDataException>(() => RetinaNetConfigInference.Infer(sd, "some.pth"));
        Assert.Contains("head.classification_head.cls_logits.weight", e.Message);
        Assert.Contains("some.pth", e.Message);
    }

    [Fact]
    public void An_imagenet_resnet_state_dict_loads_into_the_backbone_ignoring_fc()
    {
        // An ImageNet-style checkpoint: the body's tensors with torchvision's names plus fc and batch-norm counters.
        var config = new RetinaNetConfig { Backbone = "resnet18", BackboneWidth = 0.125, NumClasses = 3, FpnChannels = 16 };
        using var source = new ResNet(ResNetSpec.FromName("resnet18", 0.125), NormKind.BatchNorm, new RandomGenerator(8), classifierClasses: 10);
        var path = Path.Combine(Path.GetTempPath(), $"rs-imagenet-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(path, source.StateDict());
            using var model = new RetinaNet(config);
            WeightsLoader.LoadBackbone(model, path);
            var loaded = model.Backbone.Body.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var (name, t) in source.StateDict())
            {
                if (name.StartsWith("fc.", StringComparison.Ordinal) || name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) continue;
                Assert.True(loaded[name].ToBytes().AsSpan().SequenceEqual(t.ToBytes()), $"{name} not loaded");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
