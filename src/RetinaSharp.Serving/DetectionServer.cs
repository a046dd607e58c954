using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RetinaSharp.Serving.Json;

namespace RetinaSharp.Serving;

/// <summary>
/// The HTTP detection service: Kestrel with minimal APIs in front of one <see cref="RetinaNetDetector"/>.
/// <code>
/// using var detector = RetinaNetDetector.Load("model.safetensors");
/// await using var server = new DetectionServer(detector, new ServeOptions { Port = 8080 });
/// await server.StartAsync();      // POST images to server.Address + "v1/detect"
/// ...
/// await server.StopAsync();       // stops accepting, finishes the requests in flight
/// </code>
/// The server takes over the detector while it runs (one worker thread calls it) but does not dispose it.
/// </summary>
public sealed class DetectionServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DetectionBatcher _batcher;
    private readonly ServingMetrics _metrics;
    private readonly RetinaNetDetector _detector;
    private volatile bool _stopping;
    private bool _stopped;

    public DetectionServer(RetinaNetDetector detector, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(detector);
        options.Validate();
        Options = options;
        _detector = detector;
        // One forward pass per padded size in a batch: the detector groups by size itself.
        detector.MaxBatchSize = options.MaxBatch;
        ServingMetrics? metrics = null;
        _batcher = new DetectionBatcher(detector, options.MaxBatch, options.MaxQueue, options.BatchWindow) { BatchCompleted = n => metrics!.ObserveBatch(n) };
        _metrics = metrics = new ServingMetrics(options.MaxBatch, options.MaxQueue, () => _batcher.QueueDepth);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DetectionServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddSingleton<IHostLifetime, SignalFreeLifetime>();
        // In-flight requests end by their own timeout at the latest, so shutdown waits that long.
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.RequestTimeout + TimeSpan.FromSeconds(5));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // A backstop under the upload reader's own limit, for bodies it does not read itself.
            kestrel.Limits.MaxRequestBodySize = options.MaxUploadBytes + UploadReader.MultipartOverhead;
            kestrel.Listen(options.ListenAddress(), options.Port);
        });
        _app = builder.Build();
        _app.Lifetime.ApplicationStopping.Register(() => _stopping = true);
        _app.Use(CountRequestsAsync);
        var detect = new DetectEndpoint(detector, _batcher, options);
        _app.MapPost("/v1/detect", detect.HandleAsync);
        _app.MapGet("/healthz", HealthAsync);
        _app.MapGet("/metrics", MetricsAsync);
        _app.MapGet("/", PageAsync);
    }

    public ServeOptions Options { get; }

    /// <summary>The bound address, such as http://127.0.0.1:8080/ (the real port when <see cref="ServeOptions.Port"/> is 0); set by <see cref="StartAsync"/>.</summary>
    public Uri? Address { get; private set; }

    /// <summary>The worker and its queue, for tests that need to hold a batch.</summary>
    internal DetectionBatcher Batcher => _batcher;

    public async Task StartAsync(CancellationToken cancel = default)
    {
        _batcher.Start();
        try
        {
            await _app.StartAsync(cancel);
        }
        catch (Exception e) when (e is AddressInUseException or SocketException)
        {
            throw new IOException($"Cannot listen on {Options.Host}:{Options.Port}: {e.Message}", e);
        }
        Address = new Uri(_app.Urls.First().TrimEnd('/') + "/");
    }

    /// <summary>Stops accepting connections, lets the requests in flight finish (each within its timeout), then stops the worker.</summary>
    public async Task StopAsync(CancellationToken cancel = default)
    {
        if (_stopped) return;
        _stopped = true;
        _stopping = true;
        await _app.StopAsync(cancel);
        _batcher.Complete();
    }

    public async ValueTask DisposeAsync()
    {
        if (Address is not null) await StopAsync();
        await _app.DisposeAsync();
        _batcher.Dispose();
    }

    private async Task CountRequestsAsync(HttpContext context, RequestDelegate next)
    {
        long started = Stopwatch.GetTimestamp();
        var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "other";
        bool detect = endpoint == "/v1/detect";
        if (detect) _metrics.DetectStarted();
        int? failed = null;
        try
        {
            await next(context);
        }
        catch
        {
            // The server answers an escaped exception with 500 after this middleware has returned.
            failed = StatusCodes.Status500InternalServerError;
            throw;
        }
        finally
        {
            // 499 (as nginx counts it): the client left before an answer was written.
            int code = failed ?? (context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode);
            _metrics.CountRequest(endpoint, code);
            if (detect)
            {
                _metrics.DetectEnded();
                _metrics.ObserveDetectLatency(Stopwatch.GetElapsedTime(started));
            }
        }
    }

    private Task HealthAsync(HttpContext context)
    {
        context.Response.StatusCode = _stopping ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        var body = new HealthResponse(_stopping ? "stopping" : "ok", _detector.ClassNames.Count, Options.MaxBatch);
        return context.Response.WriteAsJsonAsync(body, ServingJsonContext.Api.HealthResponse, "application/json; charset=utf-8");
    }

    private Task MetricsAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        return context.Response.WriteAsync(_metrics.ToPrometheusText());
    }

    private static Task PageAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentType = "text/html; charset=utf-8";
        headers.ContentSecurityPolicy = DemoPage.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        return context.Response.Body.WriteAsync(DemoPage.Html).AsTask();
    }
}
