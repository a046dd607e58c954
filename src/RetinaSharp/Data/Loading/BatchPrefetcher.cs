using System.Runtime.ExceptionServices;

namespace RetinaSharp.Data.Loading;

/// <summary>
/// Builds batches jobs [start, end) on worker threads, at most <c>depth</c> ahead of the reader,
/// and hands them over strictly in job order. A job's result does not depend on which worker
/// built it or when. Disposing cancels the workers and waits for them.
/// </summary>
internal sealed class BatchPrefetcher : IDisposable
{
    private readonly Func<long, CancellationToken, DetectionBatch?> _build;
    private readonly long _end;
    private readonly int _depth;
    private readonly Slot[] _ring;
    private readonly SemaphoreSlim _free;
    private readonly CancellationTokenSource _cancel = new();
    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private long _next;
    private bool _disposed;

    public BatchPrefetcher(Func<long, CancellationToken, DetectionBatch?> build, long start, long end, int workers, int depth)
    {
        _build = build;
        _end = end;
        _depth = depth;
        _next = start;
        _ring = new Slot[depth];
        for (int i = 0; i < depth; i++) _ring[i] = new Slot();
        _free = new SemaphoreSlim(depth, depth);
        _threads = new Thread[workers];
        for (int i = 0; i < workers; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"batch loader {i}" };
            _threads[i].Start();
        }
    }

    /// <summary>The result of job <paramref name="job"/>; jobs must be taken in order. Rethrows a build failure.</summary>
    public DetectionBatch? Take(long job)
    {
        var slot = _ring[job % _depth];
        DetectionBatch? batch;
        ExceptionDispatchInfo? error;
        lock (_gate)
        {
            while (!(slot.Ready && slot.Job == job))
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                Monitor.Wait(_gate);
            }
            batch = slot.Batch;
            error = slot.Error;
            slot.Reset();
        }
        _free.Release();
        error?.Throw();
        return batch;
    }

    private void Work()
    {
        var token = _cancel.Token;
        try
        {
            while (true)
            {
                _free.Wait(token);
                long job = Interlocked.Increment(ref _next) - 1;
                if (job >= _end)
                {
                    _free.Release();
                    return;
                }
                DetectionBatch? batch = null;
                ExceptionDispatchInfo? error = null;
                try
                {
                    batch = _build(job, token);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    error = ExceptionDispatchInfo.Capture(e);
                }
                lock (_gate)
                {
                    var slot = _ring[job % _depth];
                    slot.Job = job;
                    slot.Batch = batch;
                    slot.Error = error;
                    slot.Ready = true;
                    Monitor.PulseAll(_gate);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
        _cancel.Cancel();
        foreach (var t in _threads) t.Join();
        foreach (var slot in _ring)
        {
            slot.Batch?.Dispose();
            slot.Reset();
        }
        _cancel.Dispose();
        _free.Dispose();
    }

    private sealed class Slot
    {
        public long Job = -1;
        public bool Ready;
        public DetectionBatch? Batch;
        public ExceptionDispatchInfo? Error;

        public void Reset()
        {
            Job = -1;
            Ready = false;
            Batch = null;
            Error = null;
        }
    }
}
