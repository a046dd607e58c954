using System.Text.Json;
using RetinaSharp.Checkpoints;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Tensors.Nn;
using RetinaSharp.Tensors.Serialization;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Tests.Models;

/// <summary>A checkpoint's metadata is untrusted: a configuration that is absurd or does not describe the weights is refused before the model is built.</summary>
public sealed class HostileConfigTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static RetinaNetConfig Config() => new()
    {
        Backbone = "resnet18", BackboneWidth = 1.0 / 16, BackboneNorm = NormKind.GroupNorm, NumClasses = 3, FpnChannels = 16, HeadDepth = 1,
    };

    /// <summary>A real checkpoint whose config metadata is replaced by <paramref name="config"/>.</summary>
    private string WithConfig(string name, string config)
    {
        using var model = new RetinaNet(Config());
        var good = _dir[name + ".good.safetensors"];
        Checkpoint.Save(good, model, null, new CheckpointMetadata());
        using var sd = SafeTensors.Load(good);
        var meta = new Dictionary<string, string>(sd.Metadata) { [CheckpointMetadata.ConfigKey] = config };
        var path = _dir[name + ".safetensors"];
        SafeTensors.Save(path, [.. sd], meta);
        return path;
    }

    [Theory]
    [InlineData("FpnChannels", 20_000)]
    [InlineData("NumClasses", 2_000_000_000)]
    [InlineData("HeadDepth", 1000)]
    public void Absurd_sizes_are_refused_naming_the_field(string field, int value)
    {
        var json = JsonSerializer.Serialize(Config()).Replace($"\"{field}\":{(field == "NumClasses" ? 3 : field == "HeadDepth" ? 1 : 16)}", $"\"{field}\":{value}");
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), json);
        var path = WithConfig(field, json);
        long before = GC.GetTotalAllocatedBytes();
        var e = Assert.Throws<CheckpointFormatException>(() => RetinaNetDetector.Load(path));
        Assert.Contains(field, e.Message);
        Assert.Contains(path, e.Message);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 200L << 20, "the refusal allocated as if building the model");
    }

    [Theory]
    [InlineData("null")]
    [InlineData("NaN")]
    [InlineData("{\"NumClasses\": \"many\"}")]
    public void Garbage_config_json_is_a_clear_error(string config)
    {
        var path = WithConfig("garbage" + config.Length, config);
        var e = Assert.Throws<CheckpointFormatException>(() => RetinaNetDetector.Load(path));
        Assert.Contains(CheckpointMetadata.ConfigKey, e.Message);
    }

    [Fact]
    public void A_config_that_does_not_describe_the_weights_is_refused_before_building()
    {
        var path = WithConfig("mismatch", JsonSerializer.Serialize(Config() with { NumClasses = 50 }));
        var e = Assert.Throws<StateDictException>(() => RetinaNetDetector.Load(path));
        Assert.Contains("cls_logits", e.Message);
        Assert.Contains("50 classes", e.Message);
    }
}
