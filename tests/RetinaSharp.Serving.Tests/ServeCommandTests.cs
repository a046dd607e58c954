using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace RetinaSharp.Serving.Tests;

/// <summary>The <c>retina serve</c> command as a child process: start-up line, a request, and shutdown on SIGTERM.</summary>
[Collection(ServingCollection.Name)]
public sealed partial class ServeCommandTests(TinyModel model)
{
    private const int Sigterm = 15;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private sealed class Child : IDisposable
    {
        private readonly StringBuilder _stderr = new();

        public Child(params string[] args)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "retina.dll"));
            foreach (var a in args) start.ArgumentList.Add(a);
            start.Environment.Remove("RETINA_SERVE_TOKEN");
            Process = Process.Start(start)!;
            Process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

        public async Task<string> ReadLineAsync()
        {
            using var cancel = new CancellationTokenSource(Patience);
            return await Process.StandardOutput.ReadLineAsync(cancel.Token) ?? throw new InvalidOperationException($"retina serve ended early: {Stderr}");
        }

        public async Task<int> ExitCodeAsync()
        {
            using var cancel = new CancellationTokenSource(Patience);
            await Process.WaitForExitAsync(cancel.Token);
            return Process.ExitCode;
        }

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }

    /// <summary>A body sent in two halves, the second only when the test says so.</summary>
    private sealed class PausedContent(byte[] bytes) : HttpContent
    {
        public TaskCompletionSource HalfSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Resume { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            int half = bytes.Length / 2;
            await stream.WriteAsync(bytes.AsMemory(0, half));
            await stream.FlushAsync();
            HalfSent.TrySetResult();
            await Resume.Task;
            await stream.WriteAsync(bytes.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }

    [Fact]
    public async Task Serve_answers_and_on_SIGTERM_finishes_the_request_in_flight_and_exits_0()
    {
        using var child = new Child("serve", "--weights", model.WeightsPath, "--port", "0", "--threads", "1", "--token", "t0k");
        var banner = await child.ReadLineAsync();
        var match = Regex.Match(banner, @"on (http://127\.0\.0\.1:\d+/)");
        Assert.True(match.Success, banner);
        var address = new Uri(match.Groups[1].Value);
        using var client = new HttpClient { BaseAddress = address, Timeout = Patience };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "t0k");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("healthz")).StatusCode);
        using (var r = await client.PostAsync("v1/detect", RunningServer.Body(model.Pngs[0])))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        var paused = new PausedContent(model.Pngs[1]);
        paused.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var inFlight = client.PostAsync("v1/detect", paused);
        await paused.HalfSent.Task.WaitAsync(Patience);
        await Until(async () => (await client.GetStringAsync("metrics")).Contains("\nretina_detect_in_flight 1\n"), "the upload never reached the server");

        Assert.Equal(0, Kill(child.Process.Id, Sigterm));
        // Once the listener is closed, shutdown is under way with the upload still half sent.
        await Until(async () =>
        {
            using var fresh = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
            try { await fresh.GetAsync("healthz"); return false; }
            catch (HttpRequestException) { return true; }
        }, "the server kept accepting connections after SIGTERM");
        Assert.False(child.Process.HasExited, "the server exited with a request in flight");
        paused.Resume.TrySetResult();
        using (var r = await inFlight)
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        Assert.Equal(0, await child.ExitCodeAsync());
        Assert.Contains("Stopped.", await child.Process.StandardOutput.ReadToEndAsync());
    }

    [Fact]
    public async Task Bad_arguments_exit_1_with_a_message()
    {
        using (var child = new Child("serve", "--weights", Path.Combine(model.TempPath, "missing.safetensors"), "--port", "0"))
        {
            Assert.Equal(1, await child.ExitCodeAsync());
            Assert.Contains("retina serve:", child.Stderr);
        }
        using (var child = new Child("serve", "--weights", model.WeightsPath, "--host", "example.org", "--port", "0"))
        {
            Assert.Equal(1, await child.ExitCodeAsync());
            Assert.Contains("Host must be an IP address", child.Stderr);
        }
    }

    private static async Task Until(Func<Task<bool>> condition, string failure)
    {
        var until = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, failure);
            await Task.Delay(20);
        }
    }
}
