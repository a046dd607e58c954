using RetinaSharp.Distributed;
using RetinaSharp.Distributed.Mpi;

namespace RetinaSharp.Cli;

/// <summary>
/// Runs a command as one rank of an MPI job when mpirun (or srun) started it, and as a plain process
/// otherwise. A rank that fails prints its error naming itself and ends the whole job (MPI_Abort),
/// so the other ranks never wait for it.
/// </summary>
internal static class DistributedCli
{
    public static int Run(string command, Func<MpiCommunicator?, int> body)
    {
        if (!MpiLaunch.IsActive) return CliErrors.Run(command, () => body(null));
        MpiCommunicator communicator;
        try
        {
            communicator = MpiCommunicator.Start();
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"retina {command}: launched by MPI ({MpiLaunch.WorldSize} processes) but {e.Message}");
            return 1;
        }
        string name = communicator.Size > 1 ? $"{command} (rank {communicator.Rank} of {communicator.Size})" : command;
        int code;
        try
        {
            code = CliErrors.Run(name, () => body(communicator.Size > 1 ? communicator : null));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"retina {name}: {e}");
            code = 70;
        }
        if (code is 1 or 70 && communicator.Size > 1)
        {
            Console.Error.WriteLine($"retina {name}: ending the job.");
            communicator.Abort(code);
        }
        communicator.Dispose();
        return code;
    }
}
