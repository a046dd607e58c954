using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace RetinaSharp.Serving;

/// <summary>
/// Reads the image bytes of a detection request: the raw body, or the multipart field "image".
/// Never holds more than the upload limit: a declared length over it is refused before reading, and
/// a body without one (chunked) is read only until it passes the limit.
/// </summary>
internal static class UploadReader
{
    /// <summary>Room for the multipart boundaries, part headers and small fields around the image.</summary>
    public const long MultipartOverhead = 64 * 1024;

    public static readonly string[] RawTypes = ["image/jpeg", "image/png", "application/octet-stream"];

    public static async Task<ReadOnlyMemory<byte>> ReadImageAsync(HttpRequest request, long maxBytes, CancellationToken cancel)
    {
        if (string.IsNullOrEmpty(request.ContentType) || !MediaTypeHeaderValue.TryParse(request.ContentType, out var media))
            throw new UploadException(StatusCodes.Status415UnsupportedMediaType, UnsupportedMessage(request.ContentType));
        var type = media.MediaType.Value ?? "";
        if (RawTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            if (request.ContentLength > maxBytes) throw TooLarge(maxBytes);
            return await ReadCappedAsync(request.Body, maxBytes, request.ContentLength, cancel);
        }
        if (string.Equals(type, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            if (request.ContentLength > maxBytes + MultipartOverhead) throw TooLarge(maxBytes);
            var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
                throw new UploadException(StatusCodes.Status400BadRequest, "The multipart/form-data content type has no boundary.");
            return await ReadMultipartImageAsync(request.Body, boundary, maxBytes, cancel);
        }
        throw new UploadException(StatusCodes.Status415UnsupportedMediaType, UnsupportedMessage(request.ContentType));
    }

    private static async Task<ReadOnlyMemory<byte>> ReadMultipartImageAsync(Stream body, string boundary, long maxBytes, CancellationToken cancel)
    {
        var reader = new MultipartReader(boundary, body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
        try
        {
            while (await reader.ReadNextSectionAsync(cancel) is { } section)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                    && string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, "image", StringComparison.Ordinal))
                    return await ReadCappedAsync(section.Body, maxBytes, null, cancel);
                // Other fields are skipped; Kestrel's body limit bounds how much that can be.
                await section.Body.CopyToAsync(Stream.Null, cancel);
            }
        }
        catch (InvalidDataException e)
        {
            throw new UploadException(StatusCodes.Status400BadRequest, $"Malformed multipart body: {e.Message}");
        }
        throw new UploadException(StatusCodes.Status400BadRequest, "The multipart body has no field named \"image\".");
    }

    private static async Task<ReadOnlyMemory<byte>> ReadCappedAsync(Stream body, long maxBytes, long? declared, CancellationToken cancel)
    {
        // Trust a declared length only for the first allocation, and never beyond the limit.
        int initial = (int)Math.Min(declared ?? 64 * 1024, Math.Min(maxBytes, int.MaxValue - 1));
        var buffer = new byte[Math.Max(initial, 1)];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxBytes) throw TooLarge(maxBytes);
                // One byte past the limit is enough to know the body is too big.
                long grown = Math.Min(Math.Max(2L * buffer.Length, 4096), maxBytes + 1);
                if (grown > Array.MaxLength) throw TooLarge(maxBytes);
                Array.Resize(ref buffer, (int)grown);
            }
            int read = await body.ReadAsync(buffer.AsMemory(length), cancel);
            if (read == 0) break;
            length += read;
            if (length > maxBytes) throw TooLarge(maxBytes);
        }
        if (length == 0) throw new UploadException(StatusCodes.Status400BadRequest, "The request has no image: the body is empty.");
        return buffer.AsMemory(0, length);
    }

    private static UploadException TooLarge(long maxBytes) => new(StatusCodes.Status413PayloadTooLarge, TooLargeMessage(maxBytes));

    public static string TooLargeMessage(long maxBytes) => $"The upload is larger than the limit of {maxBytes} bytes.";

    private static string UnsupportedMessage(string? contentType) =>
        $"Unsupported content type '{contentType}': send the image as {string.Join(", ", RawTypes)}, or as the field \"image\" of multipart/form-data.";
}
