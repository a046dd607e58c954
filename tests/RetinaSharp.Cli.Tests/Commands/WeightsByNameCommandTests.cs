using System.CommandLine;
using RetinaSharp.Checkpoints;
using RetinaSharp.Cli.Commands;
using RetinaSharp.Imaging;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Cli.Tests.Commands;

/// <summary>Runs apart from every other test: the environment and the console belong to the whole process.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

/// <summary>The commands as typed, with TORCH_HOME pointing at a temp folder; the variables and the console are put back afterwards.</summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class WeightsByNameCommandTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly string? _torchHome = Environment.GetEnvironmentVariable(TorchHubCache.TorchHomeVariable);
    private readonly string? _baseUrl = Environment.GetEnvironmentVariable(WeightsDownloader.BaseUrlVariable);

    public WeightsByNameCommandTests()
    {
        Environment.SetEnvironmentVariable(TorchHubCache.TorchHomeVariable, _temp["torch"]);
        // A name that is not cached must fail here, never reach the internet.
        Environment.SetEnvironmentVariable(WeightsDownloader.BaseUrlVariable, $"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/");
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(TorchHubCache.TorchHomeVariable, _torchHome);
        Environment.SetEnvironmentVariable(WeightsDownloader.BaseUrlVariable, _baseUrl);
        _temp.Dispose();
    }

    private string Cache => Path.Combine(_temp["torch"], "hub", "checkpoints");

    private static (int Code, string Out, string Err) Invoke(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            var root = new RootCommand { WeightsCommand.Create(), PredictCommand.Create() };
            return (root.Parse(args).Invoke(), o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    [Fact]
    public void Weights_list_shows_the_torch_home_cache()
    {
        var (code, stdout, _) = Invoke("weights", "list");
        Assert.Equal(0, code);
        Assert.StartsWith($"Cache: {Cache}", stdout);
        Assert.Contains("resnext101_64x4d-173b62eb.pth", stdout);
    }

    [Fact]
    public void Weights_download_reports_a_failed_download_in_one_line_and_leaves_no_file()
    {
        using var server = new LoopbackHttpServer();
        server.Serve("retinanet_resnet50_fpn_v2_coco-5905b1c5.pth", new byte[2000]);

        var (code, _, stderr) = Invoke("weights", "download", "retinanet_resnet50_fpn_v2_coco", "--base-url", server.BaseUrl, "--timeout", "5");

        Assert.Equal(1, code);
        Assert.Contains($"retina weights download: retinanet_resnet50_fpn_v2.COCO_V1: {server.BaseUrl}retinanet_resnet50_fpn_v2_coco-5905b1c5.pth: SHA-256 ", stderr);
        Assert.Equal(1, server.Requests);
        Assert.Empty(Directory.GetFileSystemEntries(Cache));
    }

    [Fact]
    public void Weights_download_without_a_server_exits_1_saying_so()
    {
        var (code, _, stderr) = Invoke("weights", "download", "resnet152", "--timeout", "5");
        Assert.Equal(1, code);
        Assert.Contains("resnet152-f82ba261.pth: cannot be reached", stderr);
        Assert.False(File.Exists(Path.Combine(Cache, "resnet152-f82ba261.pth")));
    }

    [Fact]
    public void Predict_takes_a_published_name_for_weights_found_in_the_cache()
    {
        var config = new RetinaNetConfig
        {
            Backbone = "resnet18", BackboneWidth = 1.0 / 8, BackboneNorm = NormKind.FrozenBatchNorm, NumClasses = 3,
            FpnChannels = 16, HeadDepth = 1, AnchorSizes = [8, 16, 32, 64, 128], MinSize = 64, MaxSize = 96,
        };
        Directory.CreateDirectory(Cache);
        // Any weights file the loader reads can stand in for the COCO model under its published name.
        using (var model = new RetinaNet(config, seed: 2)) Checkpoint.Save(Path.Combine(Cache, "retinanet_resnet50_fpn_coco-eeacb38b.pth"), model, null, new CheckpointMetadata());
        var image = Path.Combine(_temp.Path, "1.png");
        ImageFile.SavePng(image, new RgbImage(80, 60));
        var results = Path.Combine(_temp.Path, "results.json");

        var (code, _, stderr) = Invoke("predict", "--weights", "retinanet_resnet50_fpn_coco", "--input", image, "--output", results);

        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(results));
        var (refused, _, message) = Invoke("predict", "--weights", "resnet18", "--input", image, "--output", results);
        Assert.Equal(1, refused);
        Assert.Contains("not a RetinaNet", message);
    }
}
