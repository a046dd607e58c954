using System.Diagnostics;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// Persistent background threads that help with one parallel region at a time. A region calls
/// <c>body(state, participant, participants)</c> on the calling thread (participant 0) and on every
/// worker (1 .. participants-1) that joins before the caller has finished its own call. Bodies must
/// therefore claim their work dynamically (a shared counter) and never wait for one another: a region
/// is correct with any subset of helpers, including none.
/// </summary>
/// <remarks>
/// Joining is optional so that a worker the operating system has not scheduled yet (common on a busy
/// machine) costs nothing: once the caller's body returns, all work has been claimed, the region is
/// closed to late workers, and the caller only waits for workers that are still running claimed work.
/// The join word holds the region's sequence number (high 32 bits), a closed flag and the number of
/// active workers, so joining, leaving and closing are single atomic updates. Workers spin briefly
/// after a region (back-to-back kernel calls are common) and then sleep on an event, so idle threads
/// cost nothing on a shared machine.
/// </remarks>
internal static unsafe class WorkerPool
{
    private const int MaxParticipants = 255;
    private const long ClosedFlag = 1L << 31;
    private const long ActiveMask = ClosedFlag - 1;

    private static readonly Lock s_gate = new();
    private static readonly long s_spinTicks = Stopwatch.Frequency / 5000; // about 200 µs
    private static Worker[] s_workers = [];

    /// <summary>Sequence number (high bits) and participant count (low byte) of the latest region.</summary>
    private static long s_ticket;

    /// <summary>Sequence number, closed flag and active-worker count of the current region.</summary>
    private static long s_join;

    private static delegate*<void*, int, int, void> s_body;
    private static void* s_state;
    private static Exception? s_failure;

    [ThreadStatic] private static bool t_insideRegion;

    /// <summary>True when the current thread is already running inside a region (nested calls run inline).</summary>
    public static bool InsideRegion => t_insideRegion;

    /// <summary>
    /// Runs the region with up to <paramref name="participants"/> threads. Returns false without running
    /// anything when it cannot (nested call, or another thread owns the pool); the caller then runs serially.
    /// </summary>
    public static bool TryRun(int participants, delegate*<void*, int, int, void> body, void* state)
    {
        if (participants <= 1 || t_insideRegion || !s_gate.TryEnter()) return false;
        try
        {
            participants = Math.Min(participants, MaxParticipants);
            EnsureWorkers(participants - 1);

            s_body = body;
            s_state = state;
            s_failure = null;
            long sequence = ((s_ticket >> 8) + 1) & 0xFFFFFFFFL;
            Interlocked.Exchange(ref s_join, sequence << 32);
            Interlocked.Exchange(ref s_ticket, (sequence << 8) | (long)participants);
            for (int i = 0; i < participants - 1; i++) s_workers[i].Wake();

            t_insideRegion = true;
            try
            {
                body(state, 0, participants);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref s_failure, e, null);
            }
            finally
            {
                t_insideRegion = false;
            }

            // Close the region to workers that have not joined yet, then wait for those that have.
            long joined = Interlocked.Or(ref s_join, ClosedFlag);
            if ((joined & ActiveMask) != 0)
            {
                var spinner = new SpinWait();
                while ((Volatile.Read(ref s_join) & ActiveMask) != 0) spinner.SpinOnce(-1);
            }

            Exception? failure = s_failure;
            s_failure = null;
            if (failure != null) throw new AggregateException("A parallel kernel region failed.", failure);
            return true;
        }
        finally
        {
            s_gate.Exit();
        }
    }

    /// <summary>Counts the calling worker into region <paramref name="sequence"/> unless it is closed or superseded.</summary>
    private static bool TryJoin(long sequence)
    {
        while (true)
        {
            long current = Volatile.Read(ref s_join);
            if (((current >> 32) & 0xFFFFFFFFL) != sequence || (current & ClosedFlag) != 0) return false;
            if (Interlocked.CompareExchange(ref s_join, current + 1, current) == current) return true;
        }
    }

    private static void EnsureWorkers(int count)
    {
        if (s_workers.Length >= count) return;
        var grown = new Worker[count];
        Array.Copy(s_workers, grown, s_workers.Length);
        for (int i = s_workers.Length; i < count; i++) grown[i] = new Worker(i + 1, Volatile.Read(ref s_ticket));
        s_workers = grown;
    }

    private sealed class Worker
    {
        private readonly int _participant;
        private readonly ManualResetEventSlim _wakeup = new(false, 0);
        private long _seen;
        private int _sleeping;

        public Worker(int participant, long currentTicket)
        {
            _participant = participant;
            _seen = currentTicket;
            var thread = new Thread(Loop, 256 * 1024)
            {
                IsBackground = true,
                Name = $"RetinaSharp kernel worker {participant}",
            };
            thread.Start();
        }

        public void Wake()
        {
            // Pairs with the full fence in Loop: either the worker sees the new ticket before sleeping,
            // or we see that it is asleep and signal it.
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) _wakeup.Set();
        }

        private void Loop()
        {
            t_insideRegion = true;
            long spinStart = Stopwatch.GetTimestamp();
            while (true)
            {
                long ticket = Volatile.Read(ref s_ticket);
                if ((ticket >> 8) != (_seen >> 8))
                {
                    _seen = ticket;
                    int participants = (int)(ticket & 0xFF);
                    // Joining happens before the job fields are read: a joined region cannot end (and
                    // its fields cannot be overwritten) until this worker leaves it.
                    if (_participant < participants && TryJoin(ticket >> 8))
                    {
                        try
                        {
                            s_body(s_state, _participant, participants);
                        }
                        catch (Exception e)
                        {
                            Interlocked.CompareExchange(ref s_failure, e, null);
                        }
                        Interlocked.Decrement(ref s_join);
                    }
                    spinStart = Stopwatch.GetTimestamp();
                    continue;
                }

                if (Stopwatch.GetTimestamp() - spinStart < s_spinTicks)
                {
                    Thread.SpinWait(20);
                    continue;
                }

                _wakeup.Reset();
                Interlocked.Exchange(ref _sleeping, 1);
                if ((Volatile.Read(ref s_ticket) >> 8) != (_seen >> 8))
                {
                    Interlocked.Exchange(ref _sleeping, 0);
                    continue;
                }
                _wakeup.Wait();
                spinStart = Stopwatch.GetTimestamp();
            }
        }
    }
}
