using RetinaSharp.Imaging;
using RetinaSharp.Structures;

namespace RetinaSharp.Data;

/// <summary>
/// Decodes every image of a data set to prove it can be read, recording failures (and sizes that
/// disagree with the annotations) in the data set's report.
/// </summary>
public static class ImageVerifier
{
    /// <summary>
    /// Returns the number of images that failed to decode. <paramref name="progress"/> receives the
    /// count of images done so far, now and then.
    /// </summary>
    public static int VerifyAll(IDetectionDataset dataset, IProgress<int>? progress = null, int maxDegreeOfParallelism = -1, CancellationToken cancellationToken = default)
    {
        int done = 0, failed = 0;
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxDegreeOfParallelism < 0 ? Environment.ProcessorCount : Math.Max(1, maxDegreeOfParallelism),
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, dataset.Count, options, i =>
        {
            var info = dataset.GetInfo(i);
            var item = $"sample {i} (image {info.ImageId})";
            try
            {
                var image = dataset.LoadImage(i);
                var actual = new ImageSize(image.Height, image.Width);
                if (info.Size.IsKnown && info.Size != actual)
                    dataset.Report.Add(new DatasetProblem(ProblemSeverity.Warning, ProblemKind.ImageSizeMismatch, info.FilePath, item,
                        $"the annotations give {info.Size} but the image is {actual}"));
            }
            catch (InvalidImageException e)
            {
                Interlocked.Increment(ref failed);
                dataset.Report.Add(new DatasetProblem(ProblemSeverity.Error, ProblemKind.UnreadableImage, info.FilePath, item,
                    $"cannot decode: {WithoutPath(e.Message, info.FilePath)}"));
            }
            int n = Interlocked.Increment(ref done);
            progress?.Report(n);
        });
        return failed;
    }

    /// <summary>Decoder messages start with the path, which the problem already names.</summary>
    internal static string WithoutPath(string message, string path) =>
        message.StartsWith(path + ": ", StringComparison.Ordinal) ? message[(path.Length + 2)..] : message;
}
