using System.Diagnostics;
using System.Security.Cryptography;
using RetinaSharp.Checkpoints;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Tests.Checkpoints;

/// <summary>Downloads against a server on 127.0.0.1: what lands in the cache, and that a failure leaves nothing there.</summary>
public sealed class WeightsDownloaderTests : IDisposable
{
    // Every request here is answered or refused at once; this only bounds a test that went wrong.
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(60);

    private readonly TempDir _temp = new();
    private readonly LoopbackHttpServer _server = new();
    private readonly byte[] _body;
    private readonly string _digest;

    public WeightsDownloaderTests()
    {
        _body = new byte[300_000];
        new Random(11).NextBytes(_body);
        _digest = Convert.ToHexStringLower(SHA256.HashData(_body));
    }

    public void Dispose()
    {
        _server.Dispose();
        _temp.Dispose();
    }

    private string Cache => _temp["cache"];

    private static PretrainedWeights Entry(string fileName) =>
        new("tiny", "Tiny_Weights", "V1", PretrainedWeightsKind.Backbone, "https://download.invalid/models/" + fileName, IsDefault: true);

    private WeightsDownloader Downloader(IProgress<DownloadProgress>? progress = null, double timeoutSeconds = 5) => new()
    {
        Directory = Cache, BaseUrl = _server.BaseUrl, Timeout = TimeSpan.FromSeconds(timeoutSeconds), Progress = progress,
    };

    private sealed class Recorder(Action<DownloadProgress>? check = null) : IProgress<DownloadProgress>
    {
        public List<DownloadProgress> Reports { get; } = [];

        public void Report(DownloadProgress value)
        {
            check?.Invoke(value);
            Reports.Add(value);
        }
    }

    [Fact]
    public async Task A_download_lands_whole_under_its_name_once_its_hash_is_checked()
    {
        var fileName = $"tiny-{_digest[..8]}.pth";
        _server.Serve(fileName, _body);
        var destination = Path.Combine(Cache, fileName);
        // Until the last report the real name must not exist: the bytes go to a temp file first.
        var progress = new Recorder(p => Assert.Equal(p.Finished, File.Exists(destination)));

        var path = await Downloader(progress).DownloadAsync(Entry(fileName)).WaitAsync(TestBound);

        Assert.Equal(destination, path);
        Assert.Equal(_body, File.ReadAllBytes(path));
        Assert.Equal([fileName], Directory.GetFileSystemEntries(Cache).Select(Path.GetFileName));
        Assert.Equal(0, progress.Reports[0].Bytes);
        Assert.All(progress.Reports, p => Assert.Equal(_body.Length, p.TotalBytes));
        Assert.True(progress.Reports.Zip(progress.Reports.Skip(1)).All(pair => pair.First.Bytes <= pair.Second.Bytes));
        Assert.Equal((_body.Length, true), (progress.Reports[^1].Bytes, progress.Reports[^1].Finished));
        Assert.Single(progress.Reports, p => p.Finished);
        Assert.Equal(1, _server.Requests);
    }

    [Fact]
    public async Task A_body_whose_hash_differs_from_its_name_is_refused_and_removed()
    {
        var wrong = (_digest[0] == '0' ? "1" : "0") + _digest[1..8];
        var fileName = $"tiny-{wrong}.pth";
        _server.Serve(fileName, _body);

        var e = await Assert.ThrowsAsync<WeightsDownloadException>(() => Downloader().DownloadAsync(Entry(fileName)).WaitAsync(TestBound));

        Assert.Contains($"SHA-256 {_digest} does not start with {wrong}", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(Cache));
    }

    [Fact]
    public async Task A_failed_download_leaves_a_file_already_there_untouched()
    {
        var fileName = $"tiny-{(_digest[0] == 'a' ? "b" : "a")}{_digest[1..8]}.pth";
        _server.Serve(fileName, _body);
        Directory.CreateDirectory(Cache);
        File.WriteAllText(Path.Combine(Cache, fileName), "older copy");

        await Assert.ThrowsAsync<WeightsDownloadException>(() => Downloader().DownloadAsync(Entry(fileName)).WaitAsync(TestBound));

        Assert.Equal("older copy", File.ReadAllText(Path.Combine(Cache, fileName)));
        Assert.Single(Directory.GetFileSystemEntries(Cache));
    }

    [Fact]
    public async Task A_connection_cut_partway_is_a_clear_error_and_leaves_no_partial_file()
    {
        var fileName = $"tiny-{_digest[..8]}.pth";
        _server.Serve(fileName, _body, cutAfter: 100_000);

        var e = await Assert.ThrowsAsync<WeightsDownloadException>(() => Downloader().DownloadAsync(Entry(fileName)).WaitAsync(TestBound));

        Assert.Contains("tiny.V1: ", e.Message);
        Assert.Matches(@"the connection (broke|ended) after \d+ of 300000 bytes", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(Cache));
    }

    [Fact]
    public async Task A_server_that_goes_silent_times_out_and_leaves_no_partial_file()
    {
        var fileName = $"tiny-{_digest[..8]}.pth";
        _server.Serve(fileName, _body, stallAfter: 50_000);
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<WeightsDownloadException>(() => Downloader(timeoutSeconds: 1).DownloadAsync(Entry(fileName)).WaitAsync(TestBound));

        Assert.Contains("no answer within 1 s", e.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 30);
        Assert.Empty(Directory.GetFileSystemEntries(Cache));
    }

    [Fact]
    public async Task A_missing_file_on_the_server_names_the_status()
    {
        var e = await Assert.ThrowsAsync<WeightsDownloadException>(() => Downloader().DownloadAsync(Entry("tiny-0123abcd.pth")).WaitAsync(TestBound));

        Assert.Contains($"{_server.BaseUrl}tiny-0123abcd.pth answered 404", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(Cache));
    }

    [Fact]
    public async Task Without_a_server_the_error_says_it_cannot_be_reached()
    {
        var downloader = new WeightsDownloader { Directory = Cache, BaseUrl = $"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/", Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<WeightsDownloadException>(() => downloader.DownloadAsync(Entry("tiny-0123abcd.pth")).WaitAsync(TestBound));

        Assert.Contains("tiny-0123abcd.pth: cannot be reached", e.Message);
        Assert.Contains("To fetch it by hand, put tiny-0123abcd.pth", e.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 30);
        Assert.False(File.Exists(Path.Combine(Cache, "tiny-0123abcd.pth")));
    }

    [Fact]
    public async Task Cancelling_stops_the_download_and_leaves_no_partial_file()
    {
        var fileName = $"tiny-{_digest[..8]}.pth";
        _server.Serve(fileName, _body, stallAfter: 50_000);
        using var cancel = new CancellationTokenSource();
        var progress = new Recorder(p => { if (p.Bytes > 0) cancel.Cancel(); });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Downloader(progress, timeoutSeconds: 30).DownloadAsync(Entry(fileName), cancel.Token).WaitAsync(TestBound));

        Assert.Empty(Directory.GetFileSystemEntries(Cache));
    }
}
