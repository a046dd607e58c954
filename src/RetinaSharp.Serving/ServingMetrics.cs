using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace RetinaSharp.Serving;

/// <summary>The server's counters, written for Prometheus at <c>GET /metrics</c>.</summary>
internal sealed class ServingMetrics
{
    private readonly ConcurrentDictionary<(string Endpoint, int Code), long> _requests = new();
    private readonly PrometheusHistogram _latency = new("retina_detect_duration_seconds",
        "Time from receiving a detection request to its response, in seconds.",
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]);
    private readonly PrometheusHistogram _batchSize;
    private readonly Func<int> _queueDepth;
    private readonly int _queueCapacity;
    private long _images;
    private long _inFlight;

    public ServingMetrics(int maxBatch, int queueCapacity, Func<int> queueDepth)
    {
        var bounds = new List<double>();
        for (int b = 1; b < maxBatch; b *= 2) bounds.Add(b);
        bounds.Add(maxBatch);
        _batchSize = new PrometheusHistogram("retina_batch_size", "Images per call of the detector.", bounds);
        _queueCapacity = queueCapacity;
        _queueDepth = queueDepth;
    }

    public void CountRequest(string endpoint, int statusCode) =>
        _requests.AddOrUpdate((endpoint, statusCode), 1, (_, n) => n + 1);

    public void DetectStarted() => Interlocked.Increment(ref _inFlight);

    public void DetectEnded() => Interlocked.Decrement(ref _inFlight);

    public void ObserveDetectLatency(TimeSpan elapsed) => _latency.Observe(elapsed.TotalSeconds);

    public void ObserveBatch(int images)
    {
        _batchSize.Observe(images);
        Interlocked.Add(ref _images, images);
    }

    public string ToPrometheusText()
    {
        var text = new StringBuilder();
        text.Append("# HELP retina_http_requests_total HTTP requests answered, by endpoint and status code.\n");
        text.Append("# TYPE retina_http_requests_total counter\n");
        foreach (var ((endpoint, code), n) in _requests.OrderBy(kv => kv.Key.Endpoint, StringComparer.Ordinal).ThenBy(kv => kv.Key.Code))
            text.Append("retina_http_requests_total{endpoint=\"").Append(endpoint).Append("\",code=\"")
                .Append(code.ToString(CultureInfo.InvariantCulture)).Append("\"} ").Append(n.ToString(CultureInfo.InvariantCulture)).Append('\n');
        _latency.WriteTo(text);
        _batchSize.WriteTo(text);
        text.Append("# HELP retina_detected_images_total Images that went through the detector.\n");
        text.Append("# TYPE retina_detected_images_total counter\n");
        text.Append("retina_detected_images_total ").Append(Interlocked.Read(ref _images).ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# HELP retina_detect_in_flight Detection requests received and not yet answered (uploading, queued or running).\n");
        text.Append("# TYPE retina_detect_in_flight gauge\n");
        text.Append("retina_detect_in_flight ").Append(Interlocked.Read(ref _inFlight).ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# HELP retina_queue_depth Requests waiting for the detector.\n");
        text.Append("# TYPE retina_queue_depth gauge\n");
        text.Append("retina_queue_depth ").Append(_queueDepth().ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# HELP retina_queue_capacity Requests that may wait before new ones are refused with 503.\n");
        text.Append("# TYPE retina_queue_capacity gauge\n");
        text.Append("retina_queue_capacity ").Append(_queueCapacity.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }
}
