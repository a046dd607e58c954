using RetinaSharp.Imaging;
using RetinaSharp.Structures;

namespace RetinaSharp.Serving;

/// <summary>One decoded image waiting for the batching worker, and the promise of its detections.</summary>
internal sealed class DetectionJob
{
    // Continuations run off the worker thread so that writing a response never delays the next batch.
    private readonly TaskCompletionSource<ImageDetections> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DetectionJob(RgbImage image, CancellationToken abandoned)
    {
        Image = image;
        Abandoned = abandoned;
    }

    public RgbImage Image { get; }

    /// <summary>Cancelled when the request timed out or the client left; the worker then skips the job.</summary>
    public CancellationToken Abandoned { get; }

    public Task<ImageDetections> Result => _done.Task;

    public void Complete(ImageDetections detections) => _done.TrySetResult(detections);

    public void Fail(Exception error) => _done.TrySetException(error);

    public void Skip() => _done.TrySetCanceled(Abandoned);
}
