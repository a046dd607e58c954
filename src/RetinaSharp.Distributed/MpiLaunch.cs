namespace RetinaSharp.Distributed;

/// <summary>
/// Whether this process was started by an MPI launcher (Open MPI's mpirun, or Slurm's srun with
/// PMIx), read from the environment the launcher sets; nothing is loaded to find out.
/// </summary>
public static class MpiLaunch
{
    /// <summary>The job's size as the launcher announced it; null when not launched by MPI.</summary>
    public static int? WorldSize =>
        Read("OMPI_COMM_WORLD_SIZE") ?? Read("PMIX_SIZE") ?? (Environment.GetEnvironmentVariable("PMIX_RANK") is not null ? Read("SLURM_NTASKS") : null);

    /// <summary>True under mpirun or srun, even for a job of one process.</summary>
    public static bool IsActive => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null || Environment.GetEnvironmentVariable("PMIX_RANK") is not null;

    /// <summary>Processes of the job on this machine (for the default thread count); 1 when unknown.</summary>
    public static int LocalSize => Read("OMPI_COMM_WORLD_LOCAL_SIZE") ?? Read("SLURM_NTASKS_PER_NODE") ?? 1;

    private static int? Read(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) && v > 0 ? v : null;
}
