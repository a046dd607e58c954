using RetinaSharp.Checkpoints;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Tests.Checkpoints;

/// <summary>The catalogue of torchvision's files and how a --weights value becomes a file; no test here reaches beyond 127.0.0.1.</summary>
public sealed class PretrainedWeightsTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("resnet18", "resnet18-f37072fd.pth")]
    [InlineData("resnet34", "resnet34-b627a593.pth")]
    [InlineData("resnet50", "resnet50-11ad3fa6.pth")]
    [InlineData("resnet50.IMAGENET1K_V1", "resnet50-0676ba61.pth")]
    [InlineData("resnet50.IMAGENET1K_V2", "resnet50-11ad3fa6.pth")]
    [InlineData("ResNet50_Weights.IMAGENET1K_V1", "resnet50-0676ba61.pth")]
    [InlineData("resnet50.DEFAULT", "resnet50-11ad3fa6.pth")]
    [InlineData("resnet101", "resnet101-cd907fc2.pth")]
    [InlineData("resnet152.IMAGENET1K_V1", "resnet152-394f9c45.pth")]
    [InlineData("resnext50_32x4d", "resnext50_32x4d-1a0047aa.pth")]
    [InlineData("resnext101_32x8d", "resnext101_32x8d-110c445d.pth")]
    [InlineData("ResNeXt101_32X8D_Weights.IMAGENET1K_V1", "resnext101_32x8d-8ba56ff5.pth")]
    [InlineData("resnext101_64x4d", "resnext101_64x4d-173b62eb.pth")]
    [InlineData("retinanet_resnet50_fpn_coco", "retinanet_resnet50_fpn_coco-eeacb38b.pth")]
    [InlineData("retinanet_resnet50_fpn.COCO_V1", "retinanet_resnet50_fpn_coco-eeacb38b.pth")]
    [InlineData("RetinaNet_ResNet50_FPN_Weights.DEFAULT", "retinanet_resnet50_fpn_coco-eeacb38b.pth")]
    [InlineData("retinanet_resnet50_fpn_v2_coco", "retinanet_resnet50_fpn_v2_coco-5905b1c5.pth")]
    [InlineData("RETINANET_RESNET50_FPN_V2.coco_v1", "retinanet_resnet50_fpn_v2_coco-5905b1c5.pth")]
    [InlineData("resnet152-f82ba261.pth", "resnet152-f82ba261.pth")]
    public void Names_find_torchvisions_file_names_and_urls(string name, string fileName)
    {
        var weights = PretrainedWeights.Find(name);
        Assert.NotNull(weights);
        Assert.Equal(fileName, weights.FileName);
        Assert.Equal("https://download.pytorch.org/models/" + fileName, weights.Url);
        Assert.Equal(fileName.StartsWith("retinanet", StringComparison.Ordinal) ? PretrainedWeightsKind.Detector : PretrainedWeightsKind.Backbone, weights.Kind);
    }

    [Fact]
    public void Every_backbone_our_models_build_has_torchvisions_default_weights()
    {
        foreach (var backbone in ResNetSpec.KnownNames)
        {
            var weights = PretrainedWeights.Find(backbone);
            Assert.NotNull(weights);
            Assert.Equal(backbone, weights.Model);
            Assert.True(weights.IsDefault);
            Assert.Equal(PretrainedWeightsKind.Backbone, weights.Kind);
        }
    }

    [Fact]
    public void Every_name_finds_its_own_entry_and_every_file_names_its_hash()
    {
        Assert.Equal(15, PretrainedWeights.All.Count);
        foreach (var weights in PretrainedWeights.All)
        {
            foreach (var name in weights.Names) Assert.Same(weights, PretrainedWeights.Find(name));
            Assert.Matches("^[0-9a-f]{8}$", weights.HashPrefix);
        }
        // Exactly one version of each builder is DEFAULT.
        Assert.All(PretrainedWeights.All.GroupBy(w => w.Model), g => Assert.Single(g, w => w.IsDefault));
        Assert.Null(PretrainedWeights.Find("resnet50.IMAGENET1K_V3"));
        Assert.Null(PretrainedWeights.Find("wide_resnet50_2"));
    }

    [Fact]
    public void A_path_that_exists_is_a_path_even_when_it_is_called_like_weights()
    {
        var path = _temp.Write("resnet50", "not weights");
        Assert.Equal(path, PretrainedWeights.Resolve(path, downloader: Offline()));
        var folder = Path.Combine(_temp.Path, "retinanet_resnet50_fpn_coco");
        Directory.CreateDirectory(folder);
        Assert.Equal(folder, PretrainedWeights.Resolve(folder, downloader: Offline()));
    }

    [Fact]
    public void A_missing_file_is_left_to_the_loader_and_a_mistyped_name_is_refused_with_the_names()
    {
        var missing = _temp["model.safetensors"];
        Assert.Equal(missing, PretrainedWeights.Resolve(missing, downloader: Offline()));
        Assert.Equal("model.pth", PretrainedWeights.Resolve("model.pth", downloader: Offline()));
        var e = Assert.Throws<FileNotFoundException>(() => PretrainedWeights.Resolve("resnet5", downloader: Offline()));
        Assert.Contains("resnet5: no such file, and not the name of published weights", e.Message);
        Assert.Contains("resnet50", e.Message);
        Assert.Contains("retinanet_resnet50_fpn_coco", e.Message);
    }

    [Fact]
    public void A_backbone_name_is_refused_where_a_whole_retinanet_is_wanted()
    {
        var e = Assert.Throws<ArgumentException>(() => PretrainedWeights.Resolve("resnet50", PretrainedWeightsKind.Detector, Offline()));
        Assert.Contains("resnet50.IMAGENET1K_V2 is an ImageNet resnet50 classifier", e.Message);
    }

    [Fact]
    public void A_file_already_in_the_cache_is_used_as_it_is_without_a_request()
    {
        using var server = new LoopbackHttpServer();
        var cache = _temp["cache"];
        // Not torchvision's bytes: a cached file is trusted, as torch hub trusts it.
        var cached = Path.Combine(cache, "resnet18-f37072fd.pth");
        Directory.CreateDirectory(cache);
        File.WriteAllText(cached, "the user's own copy");
        var downloader = new WeightsDownloader { Directory = cache, BaseUrl = server.BaseUrl, Timeout = TimeSpan.FromSeconds(5) };

        Assert.Equal(cached, PretrainedWeights.Resolve("resnet18", PretrainedWeightsKind.Backbone, downloader));
        Assert.Equal(cached, PretrainedWeights.Resolve("ResNet18_Weights.IMAGENET1K_V1", downloader: downloader));
        Assert.Equal(0, server.Requests);
        Assert.Equal("the user's own copy", File.ReadAllText(cached));
    }

    [Fact]
    public void A_missing_file_is_fetched_from_the_base_url_and_checked_against_its_name()
    {
        using var server = new LoopbackHttpServer();
        // The server's bytes are not torchvision's, so the hash check must refuse them.
        server.Serve("resnet34-b627a593.pth", new byte[1000]);
        var cache = _temp["cache"];
        var downloader = new WeightsDownloader { Directory = cache, BaseUrl = server.BaseUrl, Timeout = TimeSpan.FromSeconds(5) };

        var e = Assert.Throws<WeightsDownloadException>(() => PretrainedWeights.Resolve("resnet34", downloader: downloader));
        Assert.Equal(1, server.Requests);
        Assert.StartsWith($"resnet34.IMAGENET1K_V1: {server.BaseUrl}resnet34-b627a593.pth: SHA-256 ", e.Message);
        Assert.Contains("does not start with b627a593", e.Message);
        Assert.Contains($"put resnet34-b627a593.pth (published at https://download.pytorch.org/models/resnet34-b627a593.pth) in {cache}.", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(cache));
    }

    [Fact]
    public void The_base_url_replaces_torchvisions_and_keeps_the_file_name()
    {
        var weights = PretrainedWeights.Find("resnet50")!;
        Assert.Equal(new Uri(weights.Url), new WeightsDownloader { BaseUrl = null }.UrlOf(weights));
        Assert.Equal(new Uri("http://127.0.0.1:9/mirror/resnet50-11ad3fa6.pth"), new WeightsDownloader { BaseUrl = "http://127.0.0.1:9/mirror/" }.UrlOf(weights));
        Assert.Equal(new Uri("http://127.0.0.1:9/mirror/resnet50-11ad3fa6.pth"), new WeightsDownloader { BaseUrl = "http://127.0.0.1:9/mirror" }.UrlOf(weights));
    }

    // A downloader that must not be asked: its server does not exist.
    private WeightsDownloader Offline() => new()
    {
        Directory = _temp["no-cache"], BaseUrl = $"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/", Timeout = TimeSpan.FromSeconds(2),
    };
}
