using System.Globalization;
using RetinaSharp.Distributed.Mpi;

namespace RetinaSharp.Distributed.Tests;

/// <summary>
/// The program each rank runs in <see cref="MpiCommunicatorTests"/>: rank r contributes known
/// vectors to the collectives and writes what it got back to rank-r.txt in the given folder.
/// </summary>
public static class MpiProbe
{
    public static int Main(string[] args)
    {
        if (args.Length != 2 || args[0] != "probe") return 2;
        using var mpi = MpiCommunicator.Start();
        int r = mpi.Rank;
        // Float sums over two buckets' worth of values, with values that add exactly in float.
        var floats = new float[1000];
        for (int i = 0; i < floats.Length; i++) floats[i] = (r + 1) * i + 0.5f;
        mpi.AllreduceSum(floats);
        var doubles = new double[] { r + 0.25, -3.0 * r, 1e10 * (r + 1) };
        mpi.AllreduceSum(doubles);
        var max = new double[] { r, -r, 7 };
        mpi.AllreduceMax(max);
        var broadcast = new float[] { r + 10, r + 20 };
        mpi.Broadcast(broadcast, root: mpi.Size - 1);
        var gathered = mpi.Allgather(r * r + 1);
        mpi.Barrier();
        using var w = new StreamWriter(Path.Combine(args[1], $"rank-{r}.txt"));
        w.WriteLine(string.Join(' ', mpi.Rank, mpi.Size));
        w.WriteLine(string.Join(' ', floats.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        w.WriteLine(string.Join(' ', doubles.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        w.WriteLine(string.Join(' ', max.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        w.WriteLine(string.Join(' ', broadcast.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        w.WriteLine(string.Join(' ', gathered));
        return 0;
    }
}
