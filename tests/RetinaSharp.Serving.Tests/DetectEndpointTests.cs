using System.Net;
using System.Text.RegularExpressions;
using RetinaSharp.Imaging;
using RetinaSharp.Structures;
using Xunit;

namespace RetinaSharp.Serving.Tests;

[Collection(ServingCollection.Name)]
public sealed class DetectEndpointTests(TinyModel model)
{
    /// <summary>Each image alone through a detector of its own: what <c>retina predict</c> writes.</summary>
    private IReadOnlyList<ImageDetections> Direct(out RetinaNetDetector detector)
    {
        detector = RetinaNetDetector.Load(model.WeightsPath);
        var d = detector;
        return [.. model.Images.Select(image => d.Detect([image])[0])];
    }

    [Fact]
    public async Task Two_hundred_requests_from_16_clients_are_batched_and_each_equals_a_direct_Detect()
    {
        var expected = Direct(out var direct);
        using var _ = direct;
        Assert.All(expected, e => Assert.NotEmpty(e.Detections));
        await using var running = await RunningServer.StartAsync(model, new ServeOptions { MaxBatch = 8, MaxQueue = 64 });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        const int clients = 16, total = 200;
        int next = -1, answered = 0;
        var workers = Enumerable.Range(0, clients).Select(async _ =>
        {
            for (int i = Interlocked.Increment(ref next); i < total; i = Interlocked.Increment(ref next))
            {
                int k = i % model.Images.Count;
                using var response = await running.DetectAsync(model.Pngs[k], cancel: cancel.Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                DetectionAssert.Same(expected[k], direct, await RunningServer.JsonAsync(response));
                Interlocked.Increment(ref answered);
            }
        });
        await Task.WhenAll(workers);
        Assert.Equal(total, answered);

        var metrics = await running.Client.GetStringAsync("metrics", cancel.Token);
        Assert.Contains($"retina_http_requests_total{{endpoint=\"/v1/detect\",code=\"200\"}} {total}\n", metrics);
        Assert.Contains($"retina_detected_images_total {total}\n", metrics);
        int batches = int.Parse(Regex.Match(metrics, @"\nretina_batch_size_count (\d+)\n").Groups[1].Value);
        // Sixteen clients waiting on one worker: batches of more than one image must have formed.
        Assert.InRange(batches, total / 8, total - 1);
    }

    [Fact]
    public async Task Query_options_filter_the_models_detections()
    {
        var expected = Direct(out var direct);
        using var _ = direct;
        await using var running = await RunningServer.StartAsync(model);
        var all = expected[0];
        float median = all.Detections[all.Detections.Count / 2].Score;
        var above = all with { Detections = [.. all.Detections.Where(d => d.Score >= median)] };

        using (var r = await running.DetectAsync(model.Pngs[0], FormattableString.Invariant($"?score_threshold={median:R}")))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            DetectionAssert.Same(above, direct, await RunningServer.JsonAsync(r));
        }
        using (var r = await running.DetectAsync(model.Pngs[0], "?max_detections=3"))
            DetectionAssert.Same(all, direct, await RunningServer.JsonAsync(r), take: 3);
        using (var r = await running.DetectAsync(model.Pngs[0], "?score_threshold=0&max_detections=100000"))
            DetectionAssert.Same(all, direct, await RunningServer.JsonAsync(r));

        foreach (var bad in new[] { "?score_threshold=1.5", "?score_threshold=-0.1", "?score_threshold=abc", "?score_threshold=NaN", "?max_detections=0", "?max_detections=2.5", "?max_detections=-1" })
        {
            using var r = await running.DetectAsync(model.Pngs[0], bad);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains(bad[1..bad.IndexOf('=')], (await RunningServer.JsonAsync(r)).GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task A_multipart_upload_and_a_jpeg_give_the_same_answer_as_the_detector()
    {
        var expected = Direct(out var direct);
        using var _ = direct;
        await using var running = await RunningServer.StartAsync(model);

        using (var form = new MultipartFormDataContent())
        {
            form.Add(new StringContent("a note"), "comment");
            form.Add(RunningServer.Body(model.Pngs[3]), "image", "picture.png");
            using var r = await running.Client.PostAsync("v1/detect", form);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            DetectionAssert.Same(expected[3], direct, await RunningServer.JsonAsync(r));
        }
        using (var form = new MultipartFormDataContent())
        {
            form.Add(RunningServer.Body(model.Pngs[3]), "picture", "picture.png");
            using var r = await running.Client.PostAsync("v1/detect", form);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("\"image\"", (await RunningServer.JsonAsync(r)).GetProperty("error").GetString());
        }

        var jpeg = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "baseline-422-61x37.jpg"));
        var jpegExpected = direct.Detect([ImageFile.Decode(jpeg)])[0];
        foreach (var type in new[] { "image/jpeg", "application/octet-stream" })
        {
            using var r = await running.Client.PostAsync("v1/detect", RunningServer.Body(jpeg, type));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
            DetectionAssert.Same(jpegExpected, direct, await RunningServer.JsonAsync(r));
        }
    }
}
