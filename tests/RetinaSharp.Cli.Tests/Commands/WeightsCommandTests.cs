using System.CommandLine;
using RetinaSharp.Checkpoints;
using RetinaSharp.Cli.Commands;
using RetinaSharp.Imaging;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Cli.Tests.Commands;

/// <summary>retina weights list / download, and names given to --weights; the only server is on 127.0.0.1.</summary>
public sealed class WeightsCommandTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly LoopbackHttpServer _server = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public void Dispose()
    {
        _server.Dispose();
        _temp.Dispose();
    }

    private string Cache => _temp["cache"];

    private WeightsDownloader Downloader() => new() { Directory = Cache, BaseUrl = _server.BaseUrl, Timeout = TimeSpan.FromSeconds(5), Progress = new DownloadProgressWriter(_err, false) };

    private void Cached(string fileName, int bytes)
    {
        Directory.CreateDirectory(Cache);
        File.WriteAllBytes(Path.Combine(Cache, fileName), new byte[bytes]);
    }

    [Fact]
    public void List_names_every_file_and_what_the_cache_holds()
    {
        Cached("resnet18-f37072fd.pth", 3 << 20);

        Assert.Equal(0, WeightsCommand.List(Downloader(), _out));

        var lines = _out.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"Cache: {Cache}", lines[0]);
        Assert.Matches(@"^name +short name +file +cached +size$", lines[1]);
        Assert.Equal(PretrainedWeights.All.Count + 2, lines.Length);
        Assert.Matches(@"^resnet18\.IMAGENET1K_V1 +resnet18 +resnet18-f37072fd\.pth +yes +3\.0 MiB$", lines[2]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^resnet50\.IMAGENET1K_V1 +resnet50-0676ba61\.pth +no +-$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^retinanet_resnet50_fpn\.COCO_V1 +retinanet_resnet50_fpn_coco +retinanet_resnet50_fpn_coco-eeacb38b\.pth +no +-$"));
    }

    [Fact]
    public void Download_checks_every_name_before_fetching_anything()
    {
        Assert.Equal(1, WeightsCommand.Download(["resnet18", "resnet18.IMAGENET1K_V9"], Downloader(), _out, _err));

        Assert.Equal("retina weights download: resnet18.IMAGENET1K_V9 is not a published weights name; retina weights list shows them." + Environment.NewLine, _err.ToString());
        Assert.Equal(0, _server.Requests);
        Assert.False(Directory.Exists(Cache));
    }

    [Fact]
    public void Download_keeps_a_file_already_in_the_cache()
    {
        Cached("resnet50-11ad3fa6.pth", 10);

        Assert.Equal(0, WeightsCommand.Download(["resnet50", "ResNet50_Weights.IMAGENET1K_V2"], Downloader(), _out, _err));

        Assert.Equal($"resnet50.IMAGENET1K_V2: already in the cache: {Path.Combine(Cache, "resnet50-11ad3fa6.pth")}" + Environment.NewLine, _out.ToString());
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public void Download_fetches_from_the_base_url_and_refuses_bytes_that_are_not_the_published_file()
    {
        _server.Serve("resnet18-f37072fd.pth", new byte[5000]);

        var e = Assert.Throws<WeightsDownloadException>(() => WeightsCommand.Download(["resnet18"], Downloader(), _out, _err));

        Assert.Contains("does not start with f37072fd", e.Message);
        Assert.Equal(1, _server.Requests);
        Assert.StartsWith($"Downloading {_server.BaseUrl}resnet18-f37072fd.pth to {Path.Combine(Cache, "resnet18-f37072fd.pth")}", _err.ToString());
        Assert.Empty(Directory.GetFileSystemEntries(Cache));
    }
}
