using System.Runtime.CompilerServices;

namespace RetinaSharp.Imaging.Jpeg;

/// <summary>
/// Brings a subsampled component row up to full resolution the way libjpeg does by default
/// ("fancy" upsampling): each output sample is a 3:1 weighted average of the nearest input sample
/// and the next nearest, i.e. a triangular filter centred between input samples, with libjpeg's
/// alternating rounding biases so results match it exactly. Image edges replicate the last sample.
/// </summary>
internal static class JpegUpsampler
{
    /// <summary>
    /// Doubles a row horizontally: <paramref name="output"/> receives 2 · input.Length samples.
    /// libjpeg filters only rows wider than two samples and replicates narrower ones.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Horizontal(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int n = input.Length;
        output = output[..(2 * n)];
        if (n <= 2)
        {
            for (int i = 0; i < n; i++) output[2 * i] = output[2 * i + 1] = input[i];
            return;
        }
        output[0] = input[0];
        output[1] = (byte)((input[0] * 3 + input[1] + 2) >> 2);
        for (int i = 1; i < n - 1; i++)
        {
            int near = input[i] * 3;
            output[2 * i] = (byte)((near + input[i - 1] + 1) >> 2);
            output[2 * i + 1] = (byte)((near + input[i + 1] + 2) >> 2);
        }
        output[2 * n - 2] = (byte)((input[n - 1] * 3 + input[n - 2] + 1) >> 2);
        output[2 * n - 1] = input[n - 1];
    }

    /// <summary>
    /// One output row of a vertically doubled component: <paramref name="nearest"/> is the input row
    /// the output row falls in, <paramref name="other"/> the adjacent input row on the side the output
    /// row lies towards (the row itself at the image edge).
    /// </summary>
    /// <param name="lowerHalf">True for the second output row of the pair, which rounds up rather than down.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Vertical(ReadOnlySpan<byte> nearest, ReadOnlySpan<byte> other, Span<byte> output, bool lowerHalf)
    {
        int n = nearest.Length;
        other = other[..n];
        output = output[..n];
        int bias = lowerHalf ? 2 : 1;
        for (int i = 0; i < n; i++) output[i] = (byte)((nearest[i] * 3 + other[i] + bias) >> 2);
    }

    /// <summary>
    /// One output row of a component doubled in both directions: vertical 3:1 sums of the two input
    /// rows (as in <see cref="Vertical"/>), then the horizontal filter on those sums.
    /// <paramref name="output"/> receives 2 · nearest.Length samples.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Both(ReadOnlySpan<byte> nearest, ReadOnlySpan<byte> other, Span<byte> output)
    {
        int n = nearest.Length;
        other = other[..n];
        output = output[..(2 * n)];
        if (n <= 2)
        {
            // libjpeg does not filter components this narrow: plain replication, vertically too.
            for (int i = 0; i < n; i++) output[2 * i] = output[2 * i + 1] = nearest[i];
            return;
        }
        int current = nearest[0] * 3 + other[0];
        int next = nearest[1] * 3 + other[1];
        output[0] = (byte)((current * 4 + 8) >> 4);
        output[1] = (byte)((current * 3 + next + 7) >> 4);
        int previous = current;
        current = next;
        for (int i = 1; i < n - 1; i++)
        {
            next = nearest[i + 1] * 3 + other[i + 1];
            output[2 * i] = (byte)((current * 3 + previous + 8) >> 4);
            output[2 * i + 1] = (byte)((current * 3 + next + 7) >> 4);
            previous = current;
            current = next;
        }
        output[2 * n - 2] = (byte)((current * 3 + previous + 8) >> 4);
        output[2 * n - 1] = (byte)((current * 4 + 7) >> 4);
    }
}
