using System.Threading.Channels;
using RetinaSharp.Imaging;

namespace RetinaSharp.Serving;

/// <summary>
/// The bounded request queue and the one worker thread that owns the detector. The detector is not
/// thread-safe, and one call over several images is faster than several calls, so requests are
/// gathered into batches: the worker takes what is waiting, up to the batch size, and waits at most
/// the batch window for more. The detector's results do not depend on an image's batch mates, so
/// batching changes latency and throughput, never a response.
/// </summary>
internal sealed class DetectionBatcher : IDisposable
{
    private readonly RetinaNetDetector _detector;
    private readonly Channel<DetectionJob> _queue;
    private readonly int _maxBatch;
    private readonly TimeSpan _window;
    private readonly Thread _worker;
    private readonly CancellationTokenSource _abort = new();
    private int _started;

    public DetectionBatcher(RetinaNetDetector detector, int maxBatch, int capacity, TimeSpan window)
    {
        _detector = detector;
        _maxBatch = maxBatch;
        _window = window;
        _queue = Channel.CreateBounded<DetectionJob>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        // A dedicated thread: a detector call runs for long enough to starve the thread pool Kestrel needs.
        _worker = new Thread(Run) { IsBackground = true, Name = "retina-serve-worker" };
    }

    /// <summary>Called with each batch's size after it ran; the metrics use it.</summary>
    public Action<int>? BatchCompleted { get; init; }

    /// <summary>Called on the worker before each batch runs (a test uses it to hold the worker).</summary>
    internal Action<IReadOnlyList<DetectionJob>>? BatchStarting { get; set; }

    public int QueueDepth => _queue.Reader.Count;

    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0) _worker.Start();
    }

    /// <summary>False when the queue is full or the batcher is shutting down: the caller answers 503.</summary>
    public bool TryEnqueue(DetectionJob job) => _queue.Writer.TryWrite(job);

    /// <summary>Refuses new jobs, lets the worker finish every queued one, and waits for it.</summary>
    public void Complete()
    {
        _queue.Writer.TryComplete();
        if (Volatile.Read(ref _started) == 1) _worker.Join();
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _abort.Cancel();
        if (Volatile.Read(ref _started) == 1) _worker.Join();
        while (_queue.Reader.TryRead(out var job)) job.Fail(new ObjectDisposedException(nameof(DetectionBatcher)));
        _abort.Dispose();
    }

    private void Run()
    {
        var batch = new List<DetectionJob>(_maxBatch);
        try
        {
            while (WaitForJob(Timeout.InfiniteTimeSpan))
            {
                Gather(batch);
                if (batch.Count > 0) RunBatch(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            foreach (var job in batch) job.Fail(new ObjectDisposedException(nameof(DetectionBatcher)));
        }
    }

    private void Gather(List<DetectionJob> batch)
    {
        var deadline = DateTime.UtcNow + _window;
        while (batch.Count < _maxBatch)
        {
            if (_queue.Reader.TryRead(out var job))
            {
                // A request whose client left or timed out while queued costs no inference.
                if (job.Abandoned.IsCancellationRequested) job.Skip();
                else batch.Add(job);
                continue;
            }
            var left = deadline - DateTime.UtcNow;
            if (batch.Count == 0 || left <= TimeSpan.Zero || !WaitForJob(left)) return;
        }
    }

    private void RunBatch(List<DetectionJob> batch)
    {
        BatchStarting?.Invoke(batch);
        var images = new RgbImage[batch.Count];
        for (int i = 0; i < images.Length; i++) images[i] = batch[i].Image;
        try
        {
            var found = _detector.Detect(images);
            for (int i = 0; i < batch.Count; i++) batch[i].Complete(found[i]);
        }
        catch (Exception) when (batch.Count > 1)
        {
            // One image the detector cannot take must not fail its batch mates: alone, each gets
            // the result it would have had in the batch, or its own error.
            foreach (var job in batch) RunAlone(job);
        }
        catch (Exception e)
        {
            batch[0].Fail(e);
        }
        BatchCompleted?.Invoke(batch.Count);
    }

    private void RunAlone(DetectionJob job)
    {
        try
        {
            job.Complete(_detector.Detect([job.Image])[0]);
        }
        catch (Exception e)
        {
            job.Fail(e);
        }
    }

    /// <summary>Blocks until a job can be read (true), the queue is completed and empty (false) or the wait times out (false).</summary>
    private bool WaitForJob(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
            return _queue.Reader.WaitToReadAsync(_abort.Token).AsTask().GetAwaiter().GetResult();
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        timer.CancelAfter(timeout);
        try
        {
            return _queue.Reader.WaitToReadAsync(timer.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (!_abort.IsCancellationRequested)
        {
            return false;
        }
    }
}
