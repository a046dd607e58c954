namespace RetinaSharp.Serving;

/// <summary>The self-contained HTML page served at <c>GET /</c>, compiled into the assembly so that a deployment is one folder.</summary>
internal static class DemoPage
{
    private static readonly Lazy<byte[]> Bytes = new(() =>
    {
        using var stream = typeof(DemoPage).Assembly.GetManifestResourceStream("RetinaSharp.Serving.Page.index.html")
            ?? throw new InvalidOperationException("The page resource is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static ReadOnlyMemory<byte> Html => Bytes.Value;

    /// <summary>Only inline script and style, and images the page makes itself: nothing is fetched from elsewhere.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none'";
}
