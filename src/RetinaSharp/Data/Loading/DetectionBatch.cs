using RetinaSharp.Data.Transforms;
using RetinaSharp.Imaging;
using RetinaSharp.Structures;

namespace RetinaSharp.Data.Loading;

/// <summary>
/// A batch ready for the network: N images normalised, resized and zero-padded (bottom and right)
/// into one N×3×H×W float tensor, row-major, plus per-image sizes and targets. Dispose it when done
/// so its buffer can be reused; the buffer must not be used after that.
/// </summary>
public sealed class DetectionBatch : IDisposable
{
    private float[]? _buffer;
    private readonly FloatBufferPool? _pool;

    internal DetectionBatch(float[] buffer, ImageSize paddedSize, IReadOnlyList<BatchItem> items, LoaderPosition position, LoaderPosition next, FloatBufferPool? pool)
    {
        _buffer = buffer;
        PaddedSize = paddedSize;
        Items = items;
        Position = position;
        Next = next;
        _pool = pool;
    }

    public int Count => Items.Count;

    /// <summary>H and W of the batch tensor: the largest resized sizes rounded up to SizeDivisible.</summary>
    public ImageSize PaddedSize { get; }

    public int Height => PaddedSize.Height;
    public int Width => PaddedSize.Width;

    /// <summary>[N, 3, H, W].</summary>
    public int[] Shape => [Count, 3, Height, Width];

    /// <summary>Number of floats in the tensor, N·3·H·W.</summary>
    public int ImageLength => Count * 3 * Height * Width;

    /// <summary>
    /// The array holding the tensor in its first <see cref="ImageLength"/> elements; a reused
    /// buffer may be longer.
    /// </summary>
    public float[] ImageBuffer => _buffer ?? throw new ObjectDisposedException(nameof(DetectionBatch));

    /// <summary>The tensor, exactly N·3·H·W floats.</summary>
    public Span<float> Images => ImageBuffer.AsSpan(0, ImageLength);

    public IReadOnlyList<BatchItem> Items { get; }

    /// <summary>Where this batch is in the loader's stream.</summary>
    public LoaderPosition Position { get; }

    /// <summary>Where to resume to get the batches after this one.</summary>
    public LoaderPosition Next { get; }

    /// <summary>
    /// Images of the plan left out since the previous batch because they could not be read (under
    /// <see cref="BadSamplePolicy.Skip"/>; each is named in the data set's report).
    /// </summary>
    public int SkippedImages { get; internal set; }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) _pool?.Return(buffer);
    }

    /// <summary>
    /// Prepares images for inference: no flip, the evaluation size, padded together. Items carry the
    /// sizes needed to map predictions back (<see cref="BatchItem.ToOriginal(ReadOnlySpan{Box})"/>)
    /// and no targets.
    /// </summary>
    /// <param name="imageIds">The id reported for each image (default: its position in <paramref name="images"/>).</param>
    public static DetectionBatch FromImages(IReadOnlyList<RgbImage> images, DetectionTransform transform, IReadOnlyList<long>? imageIds = null,
        int maxDegreeOfParallelism = -1)
    {
        if (images.Count == 0) throw new ArgumentException("No images to batch.", nameof(images));
        if (imageIds is not null && imageIds.Count != images.Count) throw new ArgumentException($"{imageIds.Count} ids for {images.Count} images.", nameof(imageIds));
        var samples = new List<PreparedSample>(images.Count);
        for (int i = 0; i < images.Count; i++)
            samples.Add(new PreparedSample(i, imageIds?[i] ?? i, images[i], ImageAnnotations.Empty, transform.EvaluationMinSize, Flip: false));
        int parallelism = maxDegreeOfParallelism < 0 ? Environment.ProcessorCount : Math.Max(1, maxDegreeOfParallelism);
        return BatchAssembler.Assemble(samples, transform, null, parallelism, default, default);
    }
}
