using System.Security.Cryptography;

namespace RetinaSharp.Checkpoints;

/// <summary>
/// Fetches published weights into the cache as torch hub does: into a temp file beside the target,
/// checked against the SHA-256 prefix in the file name, then renamed into place, so the cache never
/// holds a partial or wrong file under a real name. A server that stops answering for
/// <see cref="Timeout"/> (connecting, or between two reads) ends the download instead of hanging.
/// </summary>
public sealed class WeightsDownloader
{
    /// <summary>Replaces torchvision's base URL, for a mirror or a local server: the file name is appended to it.</summary>
    public const string BaseUrlVariable = "RETINASHARP_WEIGHTS_URL";

    /// <summary>The cache folder (default: torch hub's, from the environment when this downloader was made).</summary>
    public string Directory { get; init; } = TorchHubCache.CheckpointsDirectory();

    /// <summary>Where files are fetched from instead of their published URLs; null for those (default: <see cref="BaseUrlVariable"/>).</summary>
    public string? BaseUrl { get; init; } = Environment.GetEnvironmentVariable(BaseUrlVariable) is { Length: > 0 } url ? url : null;

    /// <summary>The longest wait for a connection, the response headers, or the next bytes of the body.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public IProgress<DownloadProgress>? Progress { get; init; }

    /// <summary>Where the file lives in the cache.</summary>
    public string PathOf(PretrainedWeights weights) => Path.Combine(Directory, weights.FileName);

    /// <summary>The URL the file is fetched from.</summary>
    public Uri UrlOf(PretrainedWeights weights) =>
        new(BaseUrl is null ? weights.Url : BaseUrl.TrimEnd('/') + "/" + Uri.EscapeDataString(weights.FileName));

    /// <summary>True when the cache already holds the file.</summary>
    public bool IsCached(PretrainedWeights weights) => File.Exists(PathOf(weights));

    /// <summary>The cached file's path; the file is downloaded first when the cache lacks it. A file already there is used as it is.</summary>
    public string Ensure(PretrainedWeights weights, CancellationToken cancellation = default) =>
        IsCached(weights) ? PathOf(weights) : Download(weights, cancellation);

    /// <summary>Downloads the file into the cache (replacing any copy there) and returns its path.</summary>
    public string Download(PretrainedWeights weights, CancellationToken cancellation = default) =>
        DownloadAsync(weights, cancellation).GetAwaiter().GetResult();

    /// <inheritdoc cref="Download(PretrainedWeights, CancellationToken)"/>
    public async Task<string> DownloadAsync(PretrainedWeights weights, CancellationToken cancellation = default)
    {
        var path = PathOf(weights);
        var url = UrlOf(weights);
        try
        {
            await DownloadFileAsync(url, path, weights.HashPrefix, cancellation).ConfigureAwait(false);
        }
        catch (WeightsDownloadException e)
        {
            throw new WeightsDownloadException($"{weights.Name}: {e.Message} To fetch it by hand, put {weights.FileName} (published at {weights.Url}) in {Directory}.", e.InnerException);
        }
        return path;
    }

    /// <summary>
    /// Downloads <paramref name="url"/> to <paramref name="destination"/>; when <paramref name="hashPrefix"/>
    /// is given the file's SHA-256 must start with it. On any failure no file is left behind and an
    /// existing destination is untouched.
    /// </summary>
    public async Task DownloadFileAsync(Uri url, string destination, string? hashPrefix, CancellationToken cancellation = default)
    {
        var full = Path.GetFullPath(destination);
        var folder = Path.GetDirectoryName(full)!;
        System.IO.Directory.CreateDirectory(folder);
        // Hidden and unique, so a second download of the same file, or a reader listing the cache, never meets it.
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        using var handler = new SocketsHttpHandler { ConnectTimeout = Timeout };
        using var client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("RetinaSharp");
        try
        {
            using var response = await Within(cancellation, t => client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, t), url).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new WeightsDownloadException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            long? total = response.Content.Headers.ContentLength;
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long done = 0;
            var stream = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                await using (file.ConfigureAwait(false))
                {
                    Progress?.Report(new DownloadProgress(url, full, 0, total, false));
                    var buffer = new byte[1 << 16];
                    while (true)
                    {
                        int read;
                        try
                        {
                            read = await Within(cancellation, t => stream.ReadAsync(buffer, t).AsTask(), url).ConfigureAwait(false);
                        }
                        catch (IOException e) when (e is not WeightsDownloadException)
                        {
                            throw new WeightsDownloadException($"{url}: the connection broke after {Describe(done, total)} ({e.Message}).", e);
                        }
                        if (read == 0) break;
                        sha.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellation).ConfigureAwait(false);
                        done += read;
                        Progress?.Report(new DownloadProgress(url, full, done, total, false));
                    }
                    if (total is long expected && done != expected)
                        throw new WeightsDownloadException($"{url}: the connection ended after {Describe(done, total)}.");
                    await file.FlushAsync(cancellation).ConfigureAwait(false);
                    file.Flush(flushToDisk: true);
                }
            }
            var digest = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (!WeightsHash.Matches(digest, hashPrefix))
                throw new WeightsDownloadException($"{url}: SHA-256 {digest} does not start with {hashPrefix}, the hash in the file's name; the download was discarded.");
            File.Move(temp, full, overwrite: true);
            Progress?.Report(new DownloadProgress(url, full, done, total, true));
        }
        catch (HttpRequestException e)
        {
            throw new WeightsDownloadException($"{url}: cannot be reached ({e.Message}).", e);
        }
        finally
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    // Runs one network step under the timeout; the caller's own cancellation still surfaces as cancellation.
    private async Task<T> Within<T>(CancellationToken cancellation, Func<CancellationToken, Task<T>> step, Uri url)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(Timeout);
        try
        {
            return await step(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellation.IsCancellationRequested)
        {
            throw new WeightsDownloadException($"{url}: no answer within {Timeout.TotalSeconds:0.#} s.", e);
        }
    }

    private static string Describe(long done, long? total) => total is long t ? $"{done} of {t} bytes" : $"{done} bytes";
}
