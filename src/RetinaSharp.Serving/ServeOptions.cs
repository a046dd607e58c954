using System.Net;

namespace RetinaSharp.Serving;

/// <summary>How <see cref="DetectionServer"/> listens, batches and limits requests.</summary>
public sealed record ServeOptions
{
    /// <summary>An IP address or "localhost"; loopback unless the operator chooses to expose the service.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (read it back from <see cref="DetectionServer.Address"/>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>When set, <c>POST /v1/detect</c> requires <c>Authorization: Bearer</c> with this token.</summary>
    public string? Token { get; init; }

    /// <summary>Most images in one call of the detector.</summary>
    public int MaxBatch { get; init; } = 8;

    /// <summary>Requests that may wait for the worker; one more is answered 503.</summary>
    public int MaxQueue { get; init; } = 64;

    /// <summary>Largest accepted image upload in bytes.</summary>
    public long MaxUploadBytes { get; init; } = 20L << 20;

    /// <summary>
    /// Largest decoded image (width × height) accepted. Decoded images wait in the queue, so this
    /// times <see cref="MaxQueue"/> bounds their memory; a small compressed file can declare a huge image.
    /// </summary>
    public long MaxImagePixels { get; init; } = 40_000_000;

    /// <summary>How long a request may wait in the queue and in the detector before it is answered 504.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the worker waits for more requests once it holds one, to fill a batch.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The address to bind; "localhost" means IPv4 loopback so that port 0 works.</summary>
    public IPAddress ListenAddress()
    {
        if (string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        if (IPAddress.TryParse(Host, out var address)) return address;
        throw new ArgumentException($"Host must be an IP address or localhost, got '{Host}'.");
    }

    public void Validate()
    {
        ListenAddress();
        if (Port is < 0 or > 65535) throw new ArgumentException($"Port must lie in [0, 65535], got {Port}.");
        if (Token is { Length: 0 }) throw new ArgumentException("Token must not be empty (leave it out to serve without one).");
        if (MaxBatch < 1) throw new ArgumentException($"MaxBatch must be at least 1, got {MaxBatch}.");
        if (MaxQueue < 1) throw new ArgumentException($"MaxQueue must be at least 1, got {MaxQueue}.");
        if (MaxUploadBytes < 1) throw new ArgumentException($"MaxUploadBytes must be positive, got {MaxUploadBytes}.");
        if (MaxImagePixels < 1) throw new ArgumentException($"MaxImagePixels must be positive, got {MaxImagePixels}.");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentException($"RequestTimeout must be positive, got {RequestTimeout}.");
        if (BatchWindow < TimeSpan.Zero) throw new ArgumentException($"BatchWindow must not be negative, got {BatchWindow}.");
    }
}
