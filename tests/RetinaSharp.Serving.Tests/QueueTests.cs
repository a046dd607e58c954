using System.Net;
using Xunit;

namespace RetinaSharp.Serving.Tests;

/// <summary>Back-pressure, timeouts and shutdown, with the worker held on a gate so that the order of events is fixed.</summary>
[Collection(ServingCollection.Name)]
public sealed class QueueTests(TinyModel model)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Holds the worker at the start of its first batch until released.</summary>
    private sealed class Gate : IDisposable
    {
        private readonly ManualResetEventSlim _entered = new();
        private readonly ManualResetEventSlim _release = new();
        private int _batches;

        public Gate(DetectionServer server) => server.Batcher.BatchStarting = _ =>
        {
            if (Interlocked.Increment(ref _batches) != 1) return;
            _entered.Set();
            _release.Wait(Patience);
        };

        public void WaitEntered() => Assert.True(_entered.Wait(Patience), "the worker never started a batch");

        public void Release() => _release.Set();

        public void Dispose()
        {
            _release.Set();
            _entered.Dispose();
            _release.Dispose();
        }
    }

    private static async Task WaitForQueueDepth(DetectionServer server, int depth)
    {
        var until = DateTime.UtcNow + Patience;
        while (server.Batcher.QueueDepth != depth)
        {
            Assert.True(DateTime.UtcNow < until, $"queue depth stayed {server.Batcher.QueueDepth}, expected {depth}");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_full_queue_answers_503_with_Retry_After_and_loses_nothing_else()
    {
        await using var running = await RunningServer.StartAsync(model, new ServeOptions { MaxBatch = 1, MaxQueue = 1 });
        using var gate = new Gate(running.Server);
        var first = running.DetectAsync(model.Pngs[0]);
        gate.WaitEntered();
        var second = running.DetectAsync(model.Pngs[1]);
        await WaitForQueueDepth(running.Server, 1);

        for (int i = 0; i < 6; i++)
        {
            using var refused = await running.DetectAsync(model.Pngs[2]);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        }
        gate.Release();
        using (var r = await first) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await second) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        var metrics = await running.Client.GetStringAsync("metrics");
        Assert.Contains("retina_http_requests_total{endpoint=\"/v1/detect\",code=\"200\"} 2\n", metrics);
        Assert.Contains("retina_http_requests_total{endpoint=\"/v1/detect\",code=\"503\"} 6\n", metrics);
        Assert.Contains("retina_queue_depth 0\n", metrics);
    }

    [Fact]
    public async Task A_request_past_its_timeout_is_504_and_a_queued_one_is_never_run()
    {
        await using var running = await RunningServer.StartAsync(model, new ServeOptions { MaxBatch = 1, RequestTimeout = TimeSpan.FromMilliseconds(400) });
        using var gate = new Gate(running.Server);
        var held = running.DetectAsync(model.Pngs[0]);
        gate.WaitEntered();
        var queued = running.DetectAsync(model.Pngs[1]);
        using (var r = await held)
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, r.StatusCode);
            Assert.Contains("timeout", (await RunningServer.JsonAsync(r)).GetProperty("error").GetString());
        }
        using (var r = await queued) Assert.Equal(HttpStatusCode.GatewayTimeout, r.StatusCode);
        gate.Release();

        using (var r = await running.DetectAsync(model.Pngs[2])) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var metrics = await running.Client.GetStringAsync("metrics");
        // The held image ran (its answer came too late); the queued one was skipped.
        Assert.Contains("retina_detected_images_total 2\n", metrics);
        Assert.Contains("retina_http_requests_total{endpoint=\"/v1/detect\",code=\"504\"} 2\n", metrics);
    }

    [Fact]
    public async Task Stopping_finishes_the_requests_in_flight_and_refuses_new_connections()
    {
        var running = await RunningServer.StartAsync(model, new ServeOptions { MaxBatch = 1 });
        await using (running)
        {
            using var gate = new Gate(running.Server);
            var inFlight = running.DetectAsync(model.Pngs[0]);
            gate.WaitEntered();
            var stopping = running.Server.StopAsync();
            await Task.Delay(300);
            Assert.False(stopping.IsCompleted, "the server stopped with a request in flight");
            using (var fresh = new HttpClient { BaseAddress = running.Server.Address, Timeout = Patience })
                await Assert.ThrowsAsync<HttpRequestException>(() => fresh.GetAsync("healthz"));
            gate.Release();
            using (var r = await inFlight)
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.NotEqual(0, (await RunningServer.JsonAsync(r)).GetProperty("detections").GetArrayLength());
            }
            await stopping.WaitAsync(Patience);
        }
    }
}
