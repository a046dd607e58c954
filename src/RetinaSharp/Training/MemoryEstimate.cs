using System.Globalization;
using RetinaSharp.Data;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Models;
using RetinaSharp.Structures;
using RetinaSharp.Tensors;

namespace RetinaSharp.Training;

/// <summary>
/// The peak memory of a training step, measured before the first one: a forward and backward pass
/// at one and at two images of the largest padded size the data set can produce give the fixed part
/// (weights, gradients, optimiser state) and the part per image; the loader's batch buffers are
/// added. A run that would not fit is refused before it starts instead of being killed mid-way.
/// </summary>
public sealed record MemoryEstimate(long FixedBytes, long BytesPerImage, long AvailableBytes, ImageSize Largest)
{
    /// <summary>Memory the runtime and the decoded images need besides tensors and batch buffers.</summary>
    private const long RuntimeBytes = 400L << 20;

    /// <summary>Measured peaks are raised by this share for what the probe does not see (fragmentation, threads).</summary>
    private const double Margin = 1.15;

    public long BytesFor(int imagesPerStep) => (long)((FixedBytes + BytesPerImage * (double)imagesPerStep) * Margin) + RuntimeBytes;

    /// <summary>The most images per step that fit in <see cref="AvailableBytes"/> (0 when not even one does).</summary>
    public int MaxImagesPerStep =>
        (int)Math.Clamp(Math.Floor(((AvailableBytes - RuntimeBytes) / Margin - FixedBytes) / Math.Max(1, BytesPerImage)), 0, int.MaxValue);

    public static string Format(long bytes) => (bytes / (double)(1L << 30)).ToString("F1", CultureInfo.InvariantCulture) + " GB";

    /// <summary>Measures a model's step for the options' batch; the model's weights and gradients are left as they were.</summary>
    public static MemoryEstimate Measure(RetinaNet model, TrainingOptions options, IDetectionDataset dataset, long? availableBytes = null)
    {
        var largest = LargestPaddedSize(dataset, options);
        // Activations grow with the pixels: probe big inputs at about 512x512 and scale up, so the probe itself stays quick.
        double shrink = Math.Min(1, Math.Sqrt(512.0 * 512 / ((double)largest.Height * largest.Width)));
        var probe = shrink < 1
            ? DetectionTransform.PaddedSize([new ImageSize(Math.Max(32, (int)(largest.Height * shrink)), Math.Max(32, (int)(largest.Width * shrink)))], 32)
            : largest;
        long peak1 = Peak(model, 1, probe), peak2 = Peak(model, 2, probe);
        double pixelRatio = (double)largest.Height * largest.Width / ((double)probe.Height * probe.Width);
        long perImage = (long)(Math.Max(0, peak2 - peak1) * pixelRatio);
        long parameters = 0;
        foreach (var p in model.TrainableParameters()) parameters += p.NumElements * sizeof(float);
        // AdamW keeps two moments per parameter, SGD with momentum one.
        long optimizerState = parameters * (options.Optimizer == "adamw" ? 2 : options.Momentum != 0 ? 1 : 0);
        long fixedBytes = Math.Max(0, peak1 - Math.Max(0, peak2 - peak1)) + optimizerState;
        // Batch buffers in flight: those being built, queued and in use.
        long batchBuffer = 3L * largest.Height * largest.Width * sizeof(float);
        int buffers = Math.Max(1, options.LoaderWorkers) + 2 + 2;
        return new MemoryEstimate(fixedBytes, perImage + batchBuffer * buffers / Math.Max(1, options.ImagesPerStep) + batchBuffer, availableBytes ?? Available(), largest);
    }

    /// <summary>Memory this process may still use: what the system reports available plus what the process holds.</summary>
    public static long Available()
    {
        long limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    long kb = long.Parse(line["MemAvailable:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return Math.Min(limit, kb * 1024 + Environment.WorkingSet);
                }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return limit;
    }

    /// <summary>The largest padded height and width over the data set at the largest training size.</summary>
    public static ImageSize LargestPaddedSize(IDetectionDataset dataset, TrainingOptions options)
    {
        int minSize = options.TrainMinSizes.Max(), maxSize = options.Model.MaxSize;
        int h = 0, w = 0;
        for (int i = 0; i < dataset.Count; i++)
        {
            var size = dataset.GetInfo(i).Size;
            if (!size.IsKnown) continue;
            var resized = DetectionTransform.ResizedSize(size, minSize, maxSize);
            h = Math.Max(h, resized.Height);
            w = Math.Max(w, resized.Width);
        }
        if (h == 0) h = w = maxSize;
        return DetectionTransform.PaddedSize([new ImageSize(h, w)], 32);
    }

    /// <summary>The peak tensor memory of one forward and backward pass of <paramref name="images"/> images of this size.</summary>
    public static long Peak(RetinaNet model, int images, ImageSize size)
    {
        bool training = model.Training;
        // Eval mode: batch norm must not update its running statistics; the graph is the same.
        model.Eval();
        try
        {
            // Tensors dropped without Dispose are freed by finalizers; one running mid-probe would lower the live
            // count under a peak taken before it, so they are drained first.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            TensorMemoryPool.ResetPeak();
            using (var scope = TensorScope.Enter())
            {
                var input = Tensor.Zeros([images, 3, size.Height, size.Width]);
                var output = model.ForwardHeads(input);
                var targets = new DetectionTarget[images];
                for (int i = 0; i < images; i++) targets[i] = new DetectionTarget([new Box(0, 0, size.Width / 2f, size.Height / 2f)], [0], []);
                var loss = model.ComputeLoss(output, targets);
                loss.Classification.Add(loss.BoxRegression).Backward();
            }
            long peak = TensorMemoryPool.PeakLiveBytes;
            model.ZeroGrad();
            return peak;
        }
        finally
        {
            if (training) model.Train();
        }
    }
}
