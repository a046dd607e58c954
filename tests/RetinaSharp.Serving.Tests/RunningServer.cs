using System.Net.Http.Headers;
using System.Text.Json;

namespace RetinaSharp.Serving.Tests;

/// <summary>A <see cref="DetectionServer"/> on a free loopback port with its own detector, and a client for it.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private RunningServer(RetinaNetDetector detector, DetectionServer server)
    {
        Detector = detector;
        Server = server;
        Client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public RetinaNetDetector Detector { get; }

    public DetectionServer Server { get; }

    public HttpClient Client { get; }

    public static async Task<RunningServer> StartAsync(TinyModel model, ServeOptions? options = null)
    {
        var detector = RetinaNetDetector.Load(model.WeightsPath);
        var server = new DetectionServer(detector, (options ?? new ServeOptions()) with { Host = "127.0.0.1", Port = 0 });
        try
        {
            await server.StartAsync();
        }
        catch
        {
            await server.DisposeAsync();
            detector.Dispose();
            throw;
        }
        return new RunningServer(detector, server);
    }

    public static ByteArrayContent Body(byte[] bytes, string contentType = "image/png")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    public Task<HttpResponseMessage> DetectAsync(byte[] bytes, string query = "", CancellationToken cancel = default) =>
        Client.PostAsync("v1/detect" + query, Body(bytes), cancel);

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Detector.Dispose();
    }
}
