namespace RetinaSharp.Imaging;

/// <summary>
/// The one exception type the codecs throw for input they cannot decode: corrupt, truncated,
/// unsupported or over the size limits. The message says what was wrong and, where known, where.
/// </summary>
public sealed class InvalidImageException : Exception
{
    public InvalidImageException(string message) : base(message) { }
    public InvalidImageException(string message, Exception inner) : base(message, inner) { }
}
