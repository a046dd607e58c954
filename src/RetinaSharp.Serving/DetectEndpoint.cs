using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using RetinaSharp.Imaging;
using RetinaSharp.Serving.Json;
using RetinaSharp.Structures;

namespace RetinaSharp.Serving;

/// <summary>
/// <c>POST /v1/detect</c>: checks, reads and decodes the upload on the request's own thread, hands
/// the image to the batching worker and writes its detections. Cheap refusals come first (token,
/// query, content type, declared size) so that a refused request costs no body read.
/// </summary>
internal sealed class DetectEndpoint
{
    private readonly RetinaNetDetector _detector;
    private readonly DetectionBatcher _batcher;
    private readonly ServeOptions _options;
    private readonly BearerTokenCheck _auth;
    private readonly ImageDecodeOptions _decodeOptions;
    // Decoding is CPU work on pool threads; as many at once as there are cores keeps Kestrel responsive.
    private readonly SemaphoreSlim _decoding = new(Environment.ProcessorCount);

    public DetectEndpoint(RetinaNetDetector detector, DetectionBatcher batcher, ServeOptions options)
    {
        _detector = detector;
        _batcher = batcher;
        _options = options;
        _auth = new BearerTokenCheck(options.Token);
        _decodeOptions = ImageDecodeOptions.Default with { MaxPixels = options.MaxImagePixels };
    }

    public async Task HandleAsync(HttpContext context)
    {
        long started = Stopwatch.GetTimestamp();
        var request = context.Request;
        var response = context.Response;
        if (!_auth.IsAuthorized(request))
        {
            response.Headers.WWWAuthenticate = "Bearer";
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Missing or wrong bearer token.");
            return;
        }
        if (!DetectQuery.TryParse(request.Query, out var query, out var problem))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, problem);
            return;
        }

        ReadOnlyMemory<byte> upload;
        try
        {
            upload = await UploadReader.ReadImageAsync(request, _options.MaxUploadBytes, context.RequestAborted);
        }
        catch (UploadException e)
        {
            // A declared oversized body is never read: the connection closes after the answer. A chunked
            // one that ran over is left to Kestrel, which drains a little more (up to its own limit) so
            // that a client still sending can read the answer, and then cuts the connection.
            if (e.StatusCode == StatusCodes.Status413PayloadTooLarge && request.ContentLength is not null) response.Headers.Connection = "close";
            await WriteErrorAsync(context, e.StatusCode, e.Message);
            return;
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own limits (body size, data rate) surface here while reading; its body limit
            // can trip first when more has arrived than the reader has taken.
            response.Headers.Connection = "close";
            await WriteErrorAsync(context, e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? UploadReader.TooLargeMessage(_options.MaxUploadBytes) : e.Message);
            return;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client left or broke off the upload; when it is gone there is nobody to answer.
            if (!context.RequestAborted.IsCancellationRequested)
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"The upload broke off: {e.Message}");
            return;
        }

        RgbImage image;
        try
        {
            await _decoding.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            image = ImageFile.Decode(upload.Span, _decodeOptions);
        }
        catch (InvalidImageException e)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, e.Message);
            return;
        }
        finally
        {
            _decoding.Release();
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(_options.RequestTimeout);
        var job = new DetectionJob(image, deadline.Token);
        if (!_batcher.TryEnqueue(job))
        {
            response.Headers.RetryAfter = "1";
            await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"The server is busy ({_options.MaxQueue} requests waiting) or stopping; retry later.");
            return;
        }

        ImageDetections found;
        try
        {
            found = await job.Result.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (OperationCanceledException)
        {
            await WriteErrorAsync(context, StatusCodes.Status504GatewayTimeout,
                $"No result within the request timeout of {_options.RequestTimeout.TotalSeconds:0.###} s.");
            return;
        }
        catch (Exception e)
        {
            await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, $"Detection failed: {e.Message}");
            return;
        }

        var body = ToResponse(found, query, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        await response.WriteAsJsonAsync(body, ServingJsonContext.Api.DetectionResponse, "application/json; charset=utf-8", context.RequestAborted);
    }

    private DetectionResponse ToResponse(ImageDetections found, DetectQuery query, double milliseconds)
    {
        var items = new List<DetectionItem>(found.Detections.Count);
        foreach (var d in found.Detections)
        {
            // The detector sorts best first, so the limit keeps the highest scores.
            if (query.MaxDetections is int max && items.Count >= max) break;
            if (d.Score < query.ScoreThreshold) continue;
            items.Add(new DetectionItem([d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2], d.Score, d.Label, _detector.CategoryIdOf(d.Label), _detector.ClassName(d.Label)));
        }
        return new DetectionResponse(found.Size.Width, found.Size.Height, items, Math.Round(milliseconds, 3));
    }

    private static Task WriteErrorAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        return context.Response.WriteAsJsonAsync(new ErrorResponse(message), ServingJsonContext.Api.ErrorResponse, "application/json; charset=utf-8");
    }
}
