using System.Numerics;
using System.Runtime.CompilerServices;

namespace RetinaSharp.Imaging.Png;

/// <summary>
/// The five PNG scanline filters (method 0). Each predicts a byte from its left neighbour a (one pixel back,
/// <c>stride</c> bytes), the byte above b and the byte above-left c, and stores the difference modulo 256.
/// The row above of the first scanline of an image or Adam7 pass is all zeros.
/// </summary>
internal static class PngFilter
{
    public const byte None = 0;
    public const byte Sub = 1;
    public const byte Up = 2;
    public const byte Average = 3;
    public const byte Paeth = 4;

    /// <summary>Reverses filter <paramref name="type"/> in place; false when the type byte is not a defined filter.</summary>
    public static bool TryUnfilter(byte type, Span<byte> row, ReadOnlySpan<byte> prior, int stride)
    {
        int n = row.Length;
        prior = prior[..n];
        switch (type)
        {
            case None:
                return true;
            case Sub:
                for (int i = stride; i < n; i++) row[i] += row[i - stride];
                return true;
            case Up:
                AddUp(row, prior);
                return true;
            case Average:
                for (int i = 0; i < stride && i < n; i++) row[i] += (byte)(prior[i] >> 1);
                for (int i = stride; i < n; i++) row[i] += (byte)((row[i - stride] + prior[i]) >> 1);
                return true;
            case Paeth:
                // With a = c = 0 the predictor reduces to b.
                for (int i = 0; i < stride && i < n; i++) row[i] += prior[i];
                for (int i = stride; i < n; i++) row[i] += Predict(row[i - stride], prior[i], prior[i - stride]);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Writes <paramref name="row"/> filtered with <paramref name="type"/> into <paramref name="output"/> (same length).</summary>
    public static void Apply(byte type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int stride, Span<byte> output)
    {
        int n = row.Length;
        prior = prior[..n];
        output = output[..n];
        int head = Math.Min(stride, n);
        switch (type)
        {
            case None:
                row.CopyTo(output);
                break;
            case Sub:
                row[..head].CopyTo(output);
                for (int i = stride; i < n; i++) output[i] = (byte)(row[i] - row[i - stride]);
                break;
            case Up:
                for (int i = 0; i < n; i++) output[i] = (byte)(row[i] - prior[i]);
                break;
            case Average:
                for (int i = 0; i < head; i++) output[i] = (byte)(row[i] - (prior[i] >> 1));
                for (int i = stride; i < n; i++) output[i] = (byte)(row[i] - ((row[i - stride] + prior[i]) >> 1));
                break;
            case Paeth:
                for (int i = 0; i < head; i++) output[i] = (byte)(row[i] - prior[i]);
                for (int i = stride; i < n; i++) output[i] = (byte)(row[i] - Predict(row[i - stride], prior[i], prior[i - stride]));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Not a PNG filter type.");
        }
    }

    /// <summary>The Paeth predictor: whichever of a, b, c is closest to a + b - c, ties going to a, then b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Predict(byte a, byte b, byte c)
    {
        int pa = Math.Abs(b - c);
        int pb = Math.Abs(a - c);
        int pc = Math.Abs(a + b - 2 * c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }

    private static void AddUp(Span<byte> row, ReadOnlySpan<byte> prior)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                var sum = new Vector<byte>(row[i..]) + new Vector<byte>(prior[i..]);
                sum.CopyTo(row[i..]);
            }
        }
        for (; i < row.Length; i++) row[i] += prior[i];
    }
}
