using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace RetinaSharp.Serving.Tests;

[Collection(ServingCollection.Name)]
public sealed class BadInputTests(TinyModel model)
{
    private const long Limit = 64 * 1024;

    private static async Task<string> ErrorOf(HttpResponseMessage response) =>
        (await RunningServer.JsonAsync(response)).GetProperty("error").GetString()!;

    [Fact]
    public async Task Undecodable_images_are_400_with_the_decoders_message()
    {
        await using var running = await RunningServer.StartAsync(model);
        var garbage = new byte[4000];
        new Random(5).NextBytes(garbage);
        using (var r = await running.DetectAsync(garbage))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("Not a PNG or JPEG", await ErrorOf(r));
        }
        var png = model.Pngs[0];
        using (var r = await running.DetectAsync(png[..(png.Length / 2)]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            var message = await ErrorOf(r);
            Assert.False(string.IsNullOrWhiteSpace(message));
            Assert.DoesNotContain("Not a PNG or JPEG", message);
        }
        using (var r = await running.DetectAsync([]))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        // The server goes on serving after bad input.
        using (var r = await running.DetectAsync(png))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task An_image_over_the_pixel_limit_is_400_before_it_is_decoded()
    {
        await using var running = await RunningServer.StartAsync(model, new ServeOptions { MaxImagePixels = 64 * 64 });
        using (var r = await running.DetectAsync(model.Pngs[0]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("4096", await ErrorOf(r));
        }
        using (var r = await running.DetectAsync(model.Pngs[1]))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task Wrong_or_missing_content_types_are_415()
    {
        await using var running = await RunningServer.StartAsync(model);
        using (var r = await running.Client.PostAsync("v1/detect", new StringContent("hello", Encoding.UTF8, "text/plain")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
            Assert.Contains("text/plain", await ErrorOf(r));
        }
        var bare = new ByteArrayContent(model.Pngs[0]);
        using (var r = await running.Client.PostAsync("v1/detect", bare))
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
        using (var r = await running.Client.PostAsync("v1/detect", RunningServer.Body(model.Pngs[0], "application/json")))
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
        using (var r = await running.Client.PostAsync("v1/detect", RunningServer.Body(model.Pngs[0], "IMAGE/PNG; charset=binary")))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_413_before_the_body_is_sent()
    {
        await using var running = await RunningServer.StartAsync(model, new ServeOptions { MaxUploadBytes = Limit });
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/detect") { Content = RunningServer.Body(new byte[4 * Limit]) };
        // With 100-continue the client waits for the server's go-ahead, which a refusal never gives.
        request.Headers.ExpectContinue = true;
        using var r = await running.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Contains($"{Limit} bytes", await ErrorOf(r));
        using var after = await running.DetectAsync(model.Pngs[0]);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413()
    {
        await using var running = await RunningServer.StartAsync(model, new ServeOptions { MaxUploadBytes = Limit });
        using (var r = await SendChunked(running.Client, new byte[Limit + 4096]))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
            Assert.Contains($"{Limit} bytes", await ErrorOf(r));
        }
        // Within the limit, a chunked upload is fine.
        using (var r = await SendChunked(running.Client, model.Pngs[0]))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task An_endless_chunked_body_is_not_read_to_its_end()
    {
        await using var running = await RunningServer.StartAsync(model, new ServeOptions { MaxUploadBytes = Limit });
        const long total = 256L << 20;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { SendTimeout = 5000, ReceiveTimeout = 5000 };
        await socket.ConnectAsync(IPAddress.Loopback, running.Server.Address!.Port);
        var head = $"POST /v1/detect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n";
        socket.Send(Encoding.ASCII.GetBytes(head));
        var chunk = Encoding.ASCII.GetBytes("4000\r\n").Concat(new byte[0x4000]).Concat("\r\n"u8.ToArray()).ToArray();
        long sent = 0;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // Loopback buffers hold a few MiB; a server that kept reading would take all of it.
            while (sent < total && stopwatch.Elapsed < TimeSpan.FromSeconds(60)) sent += socket.Send(chunk);
        }
        catch (SocketException)
        {
            // Refused by closing the connection (or by no longer reading, which times the send out).
        }
        Assert.True(sent < total / 8, $"the server took {sent} bytes of a body limited to {Limit}");
        using var after = await running.DetectAsync(model.Pngs[0]);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static Task<HttpResponseMessage> SendChunked(HttpClient client, byte[] body)
    {
        var content = new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/detect") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        return client.SendAsync(request);
    }

    [Fact]
    public async Task A_multipart_image_over_the_limit_is_413()
    {
        await using var running = await RunningServer.StartAsync(model, new ServeOptions { MaxUploadBytes = Limit });
        using var form = new MultipartFormDataContent { { RunningServer.Body(new byte[Limit + 1]), "image", "big.png" } };
        using var r = await running.Client.PostAsync("v1/detect", form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
    }
}
