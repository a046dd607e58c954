namespace RetinaSharp.Distributed.Mpi;

/// <summary>
/// MPI_COMM_WORLD of an Open MPI job: this process's rank, the job's size and the collectives
/// data-parallel training uses. <see cref="Start"/> initialises MPI once per process;
/// <see cref="Dispose"/> finalises it. Every rank must make the same calls in the same order.
/// </summary>
public sealed unsafe class MpiCommunicator : IDisposable
{
    private readonly MpiLibrary _mpi;
    private bool _finalized;

    private MpiCommunicator(MpiLibrary mpi, int rank, int size)
    {
        _mpi = mpi;
        Rank = rank;
        Size = size;
    }

    public int Rank { get; }

    public int Size { get; }

    /// <summary>
    /// Initialises MPI (thread level serialised) and returns the world communicator; throws with
    /// the reason when libmpi.so.40 cannot be loaded.
    /// </summary>
    public static MpiCommunicator Start()
    {
        var mpi = MpiLibrary.TryLoad(out var reason) ?? throw new InvalidOperationException($"Cannot start MPI: {reason}.");
        int initialized;
        Check(mpi.Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0)
        {
            int provided;
            Check(mpi.InitThread(null, null, MpiLibrary.ThreadSerialized, &provided), "MPI_Init_thread");
        }
        int rank, size;
        Check(mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        Check(mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        return new MpiCommunicator(mpi, rank, size);
    }

    /// <summary>Element-wise sum over every rank, in place.</summary>
    public void AllreduceSum(Span<float> values) => Allreduce(values, _mpi.Float, _mpi.OpSum);

    /// <summary>Element-wise sum over every rank, in place.</summary>
    public void AllreduceSum(Span<double> values) => Allreduce(values, _mpi.Double, _mpi.OpSum);

    /// <summary>Element-wise maximum over every rank, in place.</summary>
    public void AllreduceMax(Span<double> values) => Allreduce(values, _mpi.Double, _mpi.OpMax);

    private void Allreduce<T>(Span<T> values, nint type, nint op) where T : unmanaged
    {
        if (values.IsEmpty) return;
        fixed (T* p = values) Check(_mpi.Allreduce(MpiLibrary.InPlace, p, values.Length, type, op, _mpi.CommWorld), "MPI_Allreduce");
    }

    /// <summary>Copies <paramref name="values"/> of rank <paramref name="root"/> to every rank.</summary>
    public void Broadcast(Span<float> values, int root = 0)
    {
        if (values.IsEmpty) return;
        fixed (float* p = values) Check(_mpi.Bcast(p, values.Length, _mpi.Float, root, _mpi.CommWorld), "MPI_Bcast");
    }

    /// <summary>Copies <paramref name="bytes"/> of rank <paramref name="root"/> to every rank.</summary>
    public void Broadcast(Span<byte> bytes, int root = 0)
    {
        if (bytes.IsEmpty) return;
        fixed (byte* p = bytes) Check(_mpi.Bcast(p, bytes.Length, _mpi.Byte, root, _mpi.CommWorld), "MPI_Bcast");
    }

    /// <summary>Every rank's <paramref name="value"/>, indexed by rank.</summary>
    public int[] Allgather(int value)
    {
        var all = new int[Size];
        fixed (int* p = all) Check(_mpi.Allgather(&value, 1, _mpi.Int, p, 1, _mpi.Int, _mpi.CommWorld), "MPI_Allgather");
        return all;
    }

    public void Barrier() => Check(_mpi.Barrier(_mpi.CommWorld), "MPI_Barrier");

    /// <summary>Ends every process of the job with <paramref name="exitCode"/> (MPI_Abort); does not return.</summary>
    public void Abort(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        _mpi.Abort(_mpi.CommWorld, exitCode);
        Environment.Exit(exitCode);
    }

    /// <summary>MPI_Finalize; the job's other ranks must finalise too.</summary>
    public void Dispose()
    {
        if (_finalized) return;
        _finalized = true;
        int done;
        if (_mpi.Finalized(&done) == 0 && done == 0) _mpi.Finalize();
    }

    private static void Check(int code, string function)
    {
        if (code != 0) throw new InvalidOperationException($"{function} failed with MPI error {code}.");
    }
}
