using System.Runtime.InteropServices;

namespace RetinaSharp.Distributed.Mpi;

/// <summary>
/// The few entry points of Open MPI's libmpi.so.40 that data-parallel training needs, bound at run
/// time. Open MPI's predefined handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...) are the addresses
/// of exported globals (ompi_mpi_comm_world, ...), so they are looked up as symbols, not read.
/// The library is opened with RTLD_GLOBAL because Open MPI's plugins resolve libmpi's symbols
/// through the global namespace.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    public const string FileName = "libmpi.so.40";

    private const int RtldNow = 0x2, RtldGlobal = 0x100;

    /// <summary>Open MPI's MPI_IN_PLACE, ((void *) 1).</summary>
    public static readonly void* InPlace = (void*)1;

    /// <summary>MPI_THREAD_SERIALIZED in Open MPI's numbering.</summary>
    public const int ThreadSerialized = 2;

    public delegate* unmanaged<int*, byte***, int, int*, int> InitThread;
    public delegate* unmanaged<int*, int> Initialized;
    public delegate* unmanaged<int*, int> Finalized;
    public delegate* unmanaged<nint, int*, int> CommRank;
    public delegate* unmanaged<nint, int*, int> CommSize;
    public delegate* unmanaged<void*, void*, int, nint, nint, nint, int> Allreduce;
    public delegate* unmanaged<void*, int, nint, int, nint, int> Bcast;
    public delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int> Allgather;
    public delegate* unmanaged<nint, int> Barrier;
    public delegate* unmanaged<nint, int, int> Abort;
    public delegate* unmanaged<int> Finalize;

    public nint CommWorld, Float, Double, Byte, Int, OpSum, OpMax;

    private MpiLibrary() { }

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern nint DlOpen([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);

    /// <summary>Opens libmpi; null (with the reason) when it is not installed or not Open MPI.</summary>
    public static MpiLibrary? TryLoad(out string? reason)
    {
        reason = null;
        if (!OperatingSystem.IsLinux())
        {
            reason = "Open MPI training is supported on Linux only";
            return null;
        }
        nint handle;
        try
        {
            handle = DlOpen(FileName, RtldNow | RtldGlobal);
        }
        catch (DllNotFoundException e)
        {
            reason = e.Message;
            return null;
        }
        if (handle == 0)
        {
            reason = $"{FileName} cannot be loaded (install Open MPI: apt-get install openmpi-bin)";
            return null;
        }
        var lib = new MpiLibrary();
        try
        {
            lib.InitThread = (delegate* unmanaged<int*, byte***, int, int*, int>)NativeLibrary.GetExport(handle, "MPI_Init_thread");
            lib.Initialized = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(handle, "MPI_Initialized");
            lib.Finalized = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(handle, "MPI_Finalized");
            lib.CommRank = (delegate* unmanaged<nint, int*, int>)NativeLibrary.GetExport(handle, "MPI_Comm_rank");
            lib.CommSize = (delegate* unmanaged<nint, int*, int>)NativeLibrary.GetExport(handle, "MPI_Comm_size");
            lib.Allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)NativeLibrary.GetExport(handle, "MPI_Allreduce");
            lib.Bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)NativeLibrary.GetExport(handle, "MPI_Bcast");
            lib.Allgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int>)NativeLibrary.GetExport(handle, "MPI_Allgather");
            lib.Barrier = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(handle, "MPI_Barrier");
            lib.Abort = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(handle, "MPI_Abort");
            lib.Finalize = (delegate* unmanaged<int>)NativeLibrary.GetExport(handle, "MPI_Finalize");
            lib.CommWorld = NativeLibrary.GetExport(handle, "ompi_mpi_comm_world");
            lib.Float = NativeLibrary.GetExport(handle, "ompi_mpi_float");
            lib.Double = NativeLibrary.GetExport(handle, "ompi_mpi_double");
            lib.Byte = NativeLibrary.GetExport(handle, "ompi_mpi_byte");
            lib.Int = NativeLibrary.GetExport(handle, "ompi_mpi_int");
            lib.OpSum = NativeLibrary.GetExport(handle, "ompi_mpi_op_sum");
            lib.OpMax = NativeLibrary.GetExport(handle, "ompi_mpi_op_max");
        }
        catch (EntryPointNotFoundException e)
        {
            reason = $"{FileName} is not Open MPI's library: {e.Message}";
            return null;
        }
        return lib;
    }
}
