using System.Net;
using System.Text.RegularExpressions;
using Xunit;

namespace RetinaSharp.Serving.Tests;

[Collection(ServingCollection.Name)]
public sealed class OperationsTests(TinyModel model)
{
    [Fact]
    public async Task Healthz_reports_the_loaded_model()
    {
        await using var running = await RunningServer.StartAsync(model, new ServeOptions { MaxBatch = 4 });
        using var r = await running.Client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var json = await RunningServer.JsonAsync(r);
        Assert.Equal("ok", json.GetProperty("status").GetString());
        Assert.Equal(3, json.GetProperty("classes").GetInt32());
        Assert.Equal(4, json.GetProperty("max_batch").GetInt32());
        Assert.Equal(IPAddress.Loopback.ToString(), running.Server.Address!.Host);
    }

    [Fact]
    public async Task Metrics_are_in_the_prometheus_text_format()
    {
        await using var running = await RunningServer.StartAsync(model, new ServeOptions { MaxBatch = 8, MaxQueue = 5 });
        for (int i = 0; i < 3; i++)
            using (var r = await running.DetectAsync(model.Pngs[i])) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await running.Client.PostAsync("v1/detect", RunningServer.Body([1, 2, 3]))) Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await running.Client.GetAsync("nowhere")) Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);

        using var response = await running.Client.GetAsync("metrics");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("version=0.0.4", response.Content.Headers.ContentType!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE retina_http_requests_total counter\n", text);
        Assert.Contains("retina_http_requests_total{endpoint=\"/v1/detect\",code=\"200\"} 3\n", text);
        Assert.Contains("retina_http_requests_total{endpoint=\"/v1/detect\",code=\"400\"} 1\n", text);
        Assert.Contains("retina_http_requests_total{endpoint=\"other\",code=\"404\"} 1\n", text);
        Assert.Contains("# TYPE retina_detect_duration_seconds histogram\n", text);
        Assert.Contains("retina_detect_duration_seconds_bucket{le=\"+Inf\"} 4\n", text);
        Assert.Contains("retina_detect_duration_seconds_count 4\n", text);
        Assert.Matches(@"\nretina_detect_duration_seconds_sum [0-9.eE+-]+\n", text);
        Assert.Contains("# TYPE retina_batch_size histogram\n", text);
        foreach (var le in new[] { "1", "2", "4", "8", "+Inf" }) Assert.Contains($"retina_batch_size_bucket{{le=\"{le}\"}} 3\n", text);
        Assert.Contains("retina_batch_size_sum 3\n", text);
        Assert.Contains("# TYPE retina_queue_depth gauge\nretina_queue_depth 0\n", text);
        Assert.Contains("retina_queue_capacity 5\n", text);
        // Cumulative buckets never decrease, and every sample line is "name{labels} value".
        var buckets = Regex.Matches(text, "retina_detect_duration_seconds_bucket\\{le=\"[^\"]+\"\\} (\\d+)").Select(m => long.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(buckets.Order(), buckets);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')))
            Assert.Matches(@"^[a-z_]+(\{[a-z_]+=""[^""]*""(,[a-z_]+=""[^""]*"")*\})? [0-9.eE+-]+$", line);
    }

    [Fact]
    public async Task The_page_is_self_contained_html()
    {
        await using var running = await RunningServer.StartAsync(model);
        using var r = await running.Client.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/html", r.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", r.Headers.GetValues("Content-Security-Policy").Single());
        var html = await r.Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("v1/detect", html);
        Assert.Contains("<canvas", html);
        Assert.Contains("type=\"range\"", html);
        Assert.Contains("type=\"file\"", html);
        // No external assets: nothing is loaded from another origin.
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.DoesNotContain("<link", html);
    }

    [Fact]
    public async Task Options_are_validated_and_a_busy_port_is_a_clear_error()
    {
        Assert.Throws<ArgumentException>(() => new ServeOptions { Host = "example.org" }.Validate());
        Assert.Throws<ArgumentException>(() => new ServeOptions { MaxBatch = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new ServeOptions { MaxQueue = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new ServeOptions { Token = "" }.Validate());
        Assert.Throws<ArgumentException>(() => new ServeOptions { RequestTimeout = TimeSpan.Zero }.Validate());

        await using var running = await RunningServer.StartAsync(model);
        using var detector = RetinaNetDetector.Load(model.WeightsPath);
        await using var second = new DetectionServer(detector, new ServeOptions { Port = running.Server.Address!.Port });
        var e = await Assert.ThrowsAsync<IOException>(() => second.StartAsync());
        Assert.Contains(running.Server.Address.Port.ToString(), e.Message);
    }
}
