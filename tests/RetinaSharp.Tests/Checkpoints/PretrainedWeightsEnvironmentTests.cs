using RetinaSharp.Checkpoints;
using RetinaSharp.Data;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Serialization;
using RetinaSharp.Testing;
using RetinaSharp.Training;
using Xunit;

namespace RetinaSharp.Tests.Checkpoints;

/// <summary>Runs apart from every other test: environment variables belong to the whole process.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

/// <summary>
/// The real environment decides the cache: TORCH_HOME, XDG_CACHE_HOME and the base URL are set here
/// and put back afterwards, and the library's entry points find names through it.
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class PretrainedWeightsEnvironmentTests : IDisposable
{
    private static readonly string[] Variables = [TorchHubCache.TorchHomeVariable, TorchHubCache.XdgCacheHomeVariable, WeightsDownloader.BaseUrlVariable];

    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly TempDir _temp = new();

    public PretrainedWeightsEnvironmentTests()
    {
        // Whatever happens, nothing here may reach the internet: a name that is not cached fails at once.
        Environment.SetEnvironmentVariable(WeightsDownloader.BaseUrlVariable, $"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/");
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
        _temp.Dispose();
    }

    [Fact]
    public void Torch_home_and_xdg_cache_home_choose_the_folder()
    {
        Environment.SetEnvironmentVariable(TorchHubCache.TorchHomeVariable, null);
        Environment.SetEnvironmentVariable(TorchHubCache.XdgCacheHomeVariable, _temp["xdg"]);
        Assert.Equal(Path.Combine(_temp["xdg"], "torch", "hub", "checkpoints"), TorchHubCache.CheckpointsDirectory());
        Assert.Equal(Path.Combine(_temp["xdg"], "torch", "hub", "checkpoints"), new WeightsDownloader().Directory);

        Environment.SetEnvironmentVariable(TorchHubCache.TorchHomeVariable, _temp["torch"]);
        Assert.Equal(Path.Combine(_temp["torch"], "hub", "checkpoints"), new WeightsDownloader().Directory);

        Environment.SetEnvironmentVariable(TorchHubCache.TorchHomeVariable, null);
        Environment.SetEnvironmentVariable(TorchHubCache.XdgCacheHomeVariable, null);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, ".cache", "torch", "hub", "checkpoints"), TorchHubCache.CheckpointsDirectory());
    }

    [Fact]
    public void The_base_url_variable_is_the_default_base_url()
    {
        Environment.SetEnvironmentVariable(WeightsDownloader.BaseUrlVariable, "http://127.0.0.1:9/m");
        Assert.Equal(new Uri("http://127.0.0.1:9/m/resnet18-f37072fd.pth"), new WeightsDownloader().UrlOf(PretrainedWeights.Find("resnet18")!));
        Environment.SetEnvironmentVariable(WeightsDownloader.BaseUrlVariable, null);
        Assert.Null(new WeightsDownloader().BaseUrl);
    }

    [Fact]
    public void The_detector_loads_a_torchvision_retinanet_by_name_from_the_cache()
    {
        Environment.SetEnvironmentVariable(TorchHubCache.TorchHomeVariable, _temp["torch"]);
        var cache = Path.Combine(_temp["torch"], "hub", "checkpoints");
        Directory.CreateDirectory(cache);
        // A small torchvision state dict stands in for the COCO file under its published name.
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "retinanet", "v1_weights.pth"), Path.Combine(cache, "retinanet_resnet50_fpn_coco-eeacb38b.pth"));

        using var detector = RetinaNetDetector.Load("retinanet_resnet50_fpn_coco");

        Assert.Equal(5, detector.Model.Config.NumClasses);
        Assert.Throws<ArgumentException>(() => RetinaNetDetector.Load("resnet50"));
    }

    [Fact]
    public void The_trainer_starts_its_backbone_from_a_name_in_the_cache()
    {
        Environment.SetEnvironmentVariable(TorchHubCache.TorchHomeVariable, _temp["torch"]);
        var cache = Path.Combine(_temp["torch"], "hub", "checkpoints");
        Directory.CreateDirectory(cache);
        using var source = new ResNet(ResNetSpec.FromName("resnet18", 0.125), NormKind.BatchNorm, new RandomGenerator(8), classifierClasses: 10);
        SafeTensors.Save(Path.Combine(cache, "resnet18-f37072fd.pth"), source.StateDict());
        var options = new TrainingOptions
        {
            Model = new RetinaNetConfig { Backbone = "resnet18", BackboneWidth = 0.125, NumClasses = 2, FpnChannels = 16 },
            BackboneWeights = "resnet18",
        };
        var trainer = new Trainer(options, new InMemoryDetectionDataset(ClassList.FromNames(["a", "b"]), []), _temp["run"]);

        using var model = trainer.CreateModel();

        var expected = source.StateDict().First(kv => kv.Key == "conv1.weight").Value;
        var loaded = model.Backbone.Body.StateDict().First(kv => kv.Key == "conv1.weight").Value;
        Assert.Equal(expected.ToBytes(), loaded.ToBytes());
        var missing = new Trainer(options with { BackboneWeights = "resnet34" }, new InMemoryDetectionDataset(ClassList.FromNames(["a", "b"]), []), _temp["run"]);
        Assert.Throws<WeightsDownloadException>(() => missing.CreateModel());
    }
}
