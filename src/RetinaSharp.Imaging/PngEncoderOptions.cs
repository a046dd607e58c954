namespace RetinaSharp.Imaging;

/// <summary>Choices for <see cref="PngEncoder"/>.</summary>
public sealed record PngEncoderOptions
{
    public static PngEncoderOptions Default { get; } = new();

    /// <summary>zlib level: 0 stores without compression, 1 is fastest, 9 smallest; 6 is zlib's usual balance.</summary>
    public int CompressionLevel
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 9);
            field = value;
        }
    } = 6;

    public PngFilterStrategy Filter { get; init; } = PngFilterStrategy.Adaptive;
}
