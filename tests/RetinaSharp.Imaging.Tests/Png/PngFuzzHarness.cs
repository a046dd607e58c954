using System.Diagnostics;

namespace RetinaSharp.Imaging.Tests.Png;

/// <summary>
/// Feeds inputs to the decoder and records every outcome that is neither a valid image nor an
/// <see cref="InvalidImageException"/>, and every input slower than the per-input bound.
/// </summary>
internal sealed class PngFuzzHarness
{
    private static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(2);

    private readonly List<string> _failures = [];

    public int Inputs { get; private set; }
    public int Decoded { get; private set; }
    public TimeSpan Slowest { get; private set; }

    /// <param name="expected">Pixels the input must decode to, for mutations that keep the file valid.</param>
    public void Check(string what, byte[] input, ImageDecodeOptions options, byte[]? expected = null)
    {
        Inputs++;
        var clock = Stopwatch.StartNew();
        try
        {
            var image = PngDecoder.Decode(input, options);
            if (image.Width <= 0 || image.Height <= 0 || image.Width > options.MaxDimension || image.Height > options.MaxDimension
                || (long)image.Width * image.Height > options.MaxPixels || image.Pixels.Length != image.Width * image.Height * 3)
                Fail(what, $"decoded to an invalid {image.Width}x{image.Height} image");
            else if (expected is not null && !expected.AsSpan().SequenceEqual(image.Pixels))
                Fail(what, "decoded to different pixels");
            Decoded++;
        }
        catch (InvalidImageException e)
        {
            if (string.IsNullOrWhiteSpace(e.Message)) Fail(what, "InvalidImageException without a message");
            if (expected is not null) Fail(what, $"valid variant rejected: {e.Message}");
        }
        catch (Exception e)
        {
            Fail(what, $"{e.GetType().Name}: {e.Message}");
        }
        clock.Stop();
        if (clock.Elapsed > Slowest) Slowest = clock.Elapsed;
        if (clock.Elapsed > PerInputLimit) Fail(what, $"took {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    private void Fail(string what, string why)
    {
        if (_failures.Count < 20) _failures.Add($"{what}: {why}");
        else if (_failures.Count == 20) _failures.Add("...");
    }

    public void AssertClean(int minimumInputs)
    {
        Xunit.Assert.True(_failures.Count == 0, string.Join(Environment.NewLine, _failures));
        Xunit.Assert.True(Inputs >= minimumInputs, $"only {Inputs} inputs were generated");
    }
}
