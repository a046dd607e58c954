using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace RetinaSharp.Imaging;

/// <summary>
/// Bilinear resize of planar float images (C×H×W, row-major), matching
/// torch.nn.functional.interpolate(mode="bilinear", align_corners=False, antialias=False) on the
/// CPU in float32. Like torch, an output pixel is (a·wx0 + b·wx1)·wy0 + (c·wx0 + d·wx1)·wy1 with
/// the same weights; torch's compiled kernels may fuse a multiply-add where we round twice, so
/// results agree with it to within an ulp or so, and exactly across machines among themselves.
/// </summary>
public static class BilinearResize
{
    /// <summary>
    /// The output length torch gives a side of <paramref name="size"/> pixels for a scale factor
    /// with recompute_scale_factor = True: floor(size · scale) in double precision.
    /// </summary>
    public static int ScaledSize(int size, double scale)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), $"Size {size} is not positive.");
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentOutOfRangeException(nameof(scale), $"Scale {scale} is not a positive finite number.");
        return (int)Math.Floor(size * scale);
    }

    /// <summary>Resizes into a new array of channels × outHeight × outWidth floats.</summary>
    public static float[] Resize(ReadOnlySpan<float> source, int channels, int height, int width, int outHeight, int outWidth, int maxDegreeOfParallelism = 1)
    {
        var result = new float[checked(channels * outHeight * outWidth)];
        Resize(source, channels, height, width, result, outHeight, outWidth, maxDegreeOfParallelism);
        return result;
    }

    /// <summary>
    /// Resizes <paramref name="source"/> (channels × height × width) into
    /// <paramref name="destination"/> (channels × outHeight × outWidth). With
    /// <paramref name="maxDegreeOfParallelism"/> above 1, bands of rows run on the thread pool;
    /// the result does not depend on it.
    /// </summary>
    public static void Resize(ReadOnlySpan<float> source, int channels, int height, int width,
        Span<float> destination, int outHeight, int outWidth, int maxDegreeOfParallelism = 1) =>
        Resize(source, channels, height, width, destination, outHeight, outWidth, outWidth, (long)outHeight * outWidth, maxDegreeOfParallelism);

    /// <summary>
    /// Resizes into a region of a larger buffer: output row y of channel c starts at
    /// c · <paramref name="channelStride"/> + y · <paramref name="rowStride"/>. Elements outside
    /// the region are left as they are (a padded batch writes each image straight into place).
    /// </summary>
    public static unsafe void Resize(ReadOnlySpan<float> source, int channels, int height, int width,
        Span<float> destination, int outHeight, int outWidth, int rowStride, long channelStride, int maxDegreeOfParallelism = 1)
    {
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), $"Channel count {channels} is not positive.");
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"Input size {height}x{width} is not positive.");
        if (outHeight <= 0 || outWidth <= 0) throw new ArgumentOutOfRangeException(nameof(outHeight), $"Output size {outHeight}x{outWidth} is not positive.");
        if (rowStride < outWidth || channelStride < (long)rowStride * (outHeight - 1) + outWidth)
            throw new ArgumentOutOfRangeException(nameof(rowStride), $"Strides {rowStride}/{channelStride} overlap an output of {outHeight}x{outWidth}.");
        long inLength = (long)channels * height * width;
        long outLength = (channels - 1) * channelStride + (long)(outHeight - 1) * rowStride + outWidth;
        if (source.Length < inLength) throw new ArgumentException($"Source holds {source.Length} floats, {inLength} needed for {channels}x{height}x{width}.", nameof(source));
        if (destination.Length < outLength) throw new ArgumentException($"Destination holds {destination.Length} floats, {outLength} needed for {channels}x{outHeight}x{outWidth} at the given strides.", nameof(destination));

        var rows = ResampleAxis.Create(height, outHeight);
        var cols = ResampleAxis.Create(width, outWidth);
        fixed (float* src = source)
        fixed (float* dst = destination)
        {
            var job = new Job(src, dst, height, width, outWidth, rowStride, channelStride, rows, cols);
            // Bands of about 64K output pixels amortise the per-band horizontal pass set-up.
            int bandRows = Math.Max(1, Math.Min(outHeight, (1 << 16) / Math.Max(1, outWidth)));
            int bandsPerChannel = (outHeight + bandRows - 1) / bandRows;
            int work = channels * bandsPerChannel;
            if (maxDegreeOfParallelism <= 1 || work == 1)
            {
                for (int c = 0; c < channels; c++) job.Run(c, 0, outHeight);
            }
            else
            {
                Parallel.For(0, work, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, w =>
                {
                    int c = w / bandsPerChannel;
                    int y0 = (w % bandsPerChannel) * bandRows;
                    job.Run(c, y0, Math.Min(outHeight, y0 + bandRows));
                });
            }
        }
    }

    /// <summary>Pointers and plans shared by the bands; valid only while the caller's buffers are pinned.</summary>
    private readonly unsafe struct Job(float* src, float* dst, int height, int width, int outWidth, int rowStride, long channelStride, ResampleAxis rows, ResampleAxis cols)
    {
        private readonly nint _src = (nint)src;
        private readonly nint _dst = (nint)dst;

        public void Run(int channel, int yStart, int yEnd)
        {
            float[] buffer = ArrayPool<float>.Shared.Rent(2 * outWidth);
            try
            {
                var rowA = buffer.AsSpan(0, outWidth);
                var rowB = buffer.AsSpan(outWidth, outWidth);
                int heldA = -1, heldB = -1;
                float* plane = (float*)_src + (long)channel * height * width;
                float* outPlane = (float*)_dst + channel * channelStride;
                for (int y = yStart; y < yEnd; y++)
                {
                    int r0 = rows.Index0[y], r1 = rows.Index1[y];
                    // Consecutive output rows mostly share source rows; reuse their horizontal pass.
                    if (heldA != r0)
                    {
                        if (heldB == r0)
                        {
                            var t = rowA; rowA = rowB; rowB = t;
                            (heldA, heldB) = (heldB, heldA);
                        }
                        else
                        {
                            Horizontal(plane + (long)r0 * width, rowA);
                            heldA = r0;
                        }
                    }
                    if (heldB != r1)
                    {
                        Horizontal(plane + (long)r1 * width, rowB);
                        heldB = r1;
                    }
                    Vertical(rowA, rowB, rows.Weight0[y], rows.Weight1[y], new Span<float>(outPlane + (long)y * rowStride, outWidth));
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(buffer);
            }
        }

        private void Horizontal(float* line, Span<float> output)
        {
            // Pinned plans let the JIT drop the four bounds checks per pixel of this gather loop.
            fixed (int* i0 = cols.Index0, i1 = cols.Index1)
            fixed (float* w0 = cols.Weight0, w1 = cols.Weight1, o = output)
            {
                int n = output.Length;
                for (int x = 0; x < n; x++) o[x] = line[i0[x]] * w0[x] + line[i1[x]] * w1[x];
            }
        }

        private static void Vertical(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float wa, float wb, Span<float> output)
        {
            int x = 0;
            if (Vector.IsHardwareAccelerated && output.Length >= Vector<float>.Count)
            {
                var va = MemoryMarshal.Cast<float, Vector<float>>(a);
                var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
                var vo = MemoryMarshal.Cast<float, Vector<float>>(output);
                var vwa = new Vector<float>(wa);
                var vwb = new Vector<float>(wb);
                for (int i = 0; i < vo.Length; i++) vo[i] = va[i] * vwa + vb[i] * vwb;
                x = vo.Length * Vector<float>.Count;
            }
            for (; x < output.Length; x++) output[x] = a[x] * wa + b[x] * wb;
        }
    }
}
