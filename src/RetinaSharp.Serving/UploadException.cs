namespace RetinaSharp.Serving;

/// <summary>An upload refused before decoding, with the HTTP status that says why.</summary>
internal sealed class UploadException : Exception
{
    public UploadException(int statusCode, string message) : base(message) => StatusCode = statusCode;

    public int StatusCode { get; }
}
