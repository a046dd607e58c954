using System.Diagnostics;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// Persistent background threads that run one parallel region at a time. A region calls
/// <c>body(state, participant, participants)</c> once on each participant; the calling thread is
/// participant 0 and the region returns when every participant has finished.
/// </summary>
/// <remarks>
/// Publishing a region writes the job fields and then one 64-bit ticket whose low byte is the
/// participant count, so a worker learns with a single read both that there is new work and whether
/// it is part of it. Workers spin briefly after a region (back-to-back kernel calls are common) and
/// then sleep on an event so idle threads cost nothing on a shared machine.
/// </remarks>
internal static unsafe class WorkerPool
{
    private const int MaxParticipants = 255;

    private static readonly Lock s_gate = new();
    private static readonly long s_spinTicks = Stopwatch.Frequency / 5000; // about 200 µs
    private static Worker[] s_workers = [];

    private static long s_ticket;
    private static delegate*<void*, int, int, void> s_body;
    private static void* s_state;
    private static int s_remaining;
    private static Exception? s_failure;

    [ThreadStatic] private static bool t_insideRegion;

    /// <summary>True when the current thread is already running inside a region (nested calls run inline).</summary>
    public static bool InsideRegion => t_insideRegion;

    /// <summary>
    /// Runs the region on <paramref name="participants"/> threads. Returns false without running anything
    /// when it cannot (nested call, or another thread owns the pool); the caller then runs serially.
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
            Volatile.Write(ref s_remaining, participants - 1);
            long sequence = (s_ticket >> 8) + 1;
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

            var spinner = new SpinWait();
            while (Volatile.Read(ref s_remaining) != 0) spinner.SpinOnce(-1);

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
                    if (_participant < participants)
                    {
                        try
                        {
                            s_body(s_state, _participant, participants);
                        }
                        catch (Exception e)
                        {
                            Interlocked.CompareExchange(ref s_failure, e, null);
                        }
                        Interlocked.Decrement(ref s_remaining);
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
