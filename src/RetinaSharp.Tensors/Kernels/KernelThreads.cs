using System.Runtime.CompilerServices;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// How many threads the compute kernels may use, and a low-overhead parallel loop over a persistent
/// pool of worker threads that element-wise and reduction kernels can share.
/// </summary>
/// <remarks>
/// Only one parallel loop runs on the pool at a time. A loop started from inside another loop's body,
/// or while another thread owns the pool, runs serially on the calling thread, so nesting and
/// concurrent callers are safe (just not parallel).
/// </remarks>
public static unsafe class KernelThreads
{
    private static int _maxThreads = Environment.ProcessorCount;

    /// <summary>Upper bound on threads any kernel uses, the calling thread included. Defaults to the processor count.</summary>
    public static int MaxThreads
    {
        get => _maxThreads;
        set => _maxThreads = Math.Clamp(value, 1, Environment.ProcessorCount * 4);
    }

    /// <summary>
    /// How many pieces <see cref="For{TBody}(int, int, in TBody)"/> splits <paramref name="count"/> indices
    /// into: enough to balance the threads, but none smaller than <paramref name="grain"/> (except the
    /// whole range when it is smaller). Depends only on the arguments and <see cref="MaxThreads"/>.
    /// </summary>
    public static int PieceCount(int count, int grain)
    {
        if (count <= 0) return 0;
        grain = Math.Max(grain, 1);
        long byGrain = ((long)count + grain - 1) / grain;
        // A few pieces per thread lets a thread that was descheduled on a busy machine be helped out.
        long wanted = _maxThreads == 1 ? 1 : 4L * _maxThreads;
        return (int)Math.Max(1, Math.Min(byGrain, wanted));
    }

    /// <summary>
    /// Calls <c>body.Execute(start, end)</c> on a copy of <paramref name="body"/> over disjoint ranges covering [0, count), in parallel on up
    /// to <see cref="MaxThreads"/> threads, and returns when all are done. Ranges are never smaller than
    /// <paramref name="grain"/> indices, so a loop with count ≤ grain runs inline with no synchronisation;
    /// pick a grain worth at least a few microseconds of work (e.g. 16K floats for an element-wise add).
    /// Range boundaries depend only on count, grain and MaxThreads, not on timing, so a body that writes
    /// per-range partial results (index them by <c>start</c>) gives reproducible reductions. Allocates nothing.
    /// </summary>
    public static void For<TBody>(int count, int grain, in TBody body) where TBody : struct, IParallelRange
    {
        int pieces = PieceCount(count, grain);
        if (pieces == 0) return;
        // A stack copy has a fixed address that the other threads can reach through a pointer.
        TBody local = body;
        if (pieces == 1)
        {
            local.Execute(0, count);
            return;
        }

        var job = new RangeJob { Count = count, Pieces = pieces, Next = 0, Body = Unsafe.AsPointer(ref local) };
        int participants = Math.Min(pieces, _maxThreads);
        if (!WorkerPool.TryRun(participants, &RunPieces<TBody>, &job))
        {
            RunPieces<TBody>(&job, 0, 1);
        }
    }

    /// <summary>
    /// Same as <see cref="For{TBody}(int, int, in TBody)"/> with a function pointer body:
    /// <c>body(state, start, end)</c>.
    /// </summary>
    public static void For(int count, int grain, delegate*<void*, int, int, void> body, void* state)
    {
        For(count, grain, new PointerBody { Body = body, State = state });
    }

    /// <summary>
    /// Same as <see cref="For{TBody}(int, int, in TBody)"/> with a delegate body: <c>body(start, end)</c>.
    /// Convenient outside hot loops; the delegate (and any closure) is the caller's allocation.
    /// </summary>
    public static void For(int count, int grain, Action<int, int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        For(count, grain, new DelegateBody { Body = body });
    }

    /// <summary>The index range of piece <paramref name="piece"/> out of <paramref name="pieces"/> over <paramref name="count"/> indices.</summary>
    public static (int Start, int End) PieceRange(int count, int pieces, int piece) =>
        ((int)((long)count * piece / pieces), (int)((long)count * (piece + 1) / pieces));

    /// <summary>
    /// Runs <c>body(state, participant, participants)</c> on the calling thread and on each of up to
    /// threads-1 workers that join in time; the body must claim its work dynamically (see <see cref="WorkerPool"/>).
    /// </summary>
    internal static void Region(int threads, delegate*<void*, int, int, void> body, void* state)
    {
        threads = Math.Min(threads, _maxThreads);
        if (threads <= 1 || !WorkerPool.TryRun(threads, body, state)) body(state, 0, 1);
    }

    private static void RunPieces<TBody>(void* state, int participant, int participants) where TBody : struct, IParallelRange
    {
        var job = (RangeJob*)state;
        ref TBody body = ref Unsafe.AsRef<TBody>(job->Body);
        while (true)
        {
            int piece = Interlocked.Increment(ref job->Next) - 1;
            if (piece >= job->Pieces) return;
            var (start, end) = PieceRange(job->Count, job->Pieces, piece);
            body.Execute(start, end);
        }
    }

    private struct RangeJob
    {
        public int Count;
        public int Pieces;
        public int Next;
        public void* Body;
    }

    private struct DelegateBody : IParallelRange
    {
        public Action<int, int> Body;

        public readonly void Execute(int start, int end) => Body(start, end);
    }

    private struct PointerBody : IParallelRange
    {
        public delegate*<void*, int, int, void> Body;
        public void* State;

        public readonly void Execute(int start, int end) => Body(State, start, end);
    }
}
