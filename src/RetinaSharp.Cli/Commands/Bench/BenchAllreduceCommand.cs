using System.CommandLine;
using System.Diagnostics;
using RetinaSharp.Distributed;
using RetinaSharp.Models;
using RetinaSharp.Tensors;
using RetinaSharp.Training;

namespace RetinaSharp.Cli.Commands.Bench;

/// <summary>
/// Times the gradient allreduce of data-parallel training (bucketed, as `retina train` does it) for
/// the demo model's and ResNet-50 RetinaNet's trainable parameters; run it under mpirun.
/// </summary>
internal static class BenchAllreduceCommand
{
    public static Command Create()
    {
        var preset = new Option<string[]>("--preset") { Description = "demo, resnet50 (torchvision's RetinaNet, trainable layers 3) or resnet50-all (every layer trained).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["demo", "resnet50"] };
        var repeats = new Option<int>("--repeats") { DefaultValueFactory = _ => 10 };
        var command = new Command("allreduce", "Time the gradient allreduce of data-parallel training; start it with mpirun -np N.") { preset, repeats };
        command.SetAction(pr => DistributedCli.Run("bench allreduce", mpi =>
        {
            if (mpi is null) throw new ArgumentException("start it with mpirun -np 2 (or more): one process has nothing to reduce.");
            var group = new MpiDataParallel(mpi);
            foreach (var name in pr.GetValue(preset)!)
            {
                var config = name switch
                {
                    "demo" => TrainingRecipes.Demo(8, false, 0).Model,
                    "resnet50" => new RetinaNetConfig { NumClasses = 91, TrainableBackboneLayers = 3 },
                    "resnet50-all" => new RetinaNetConfig { NumClasses = 91, TrainableBackboneLayers = 5 },
                    _ => throw new ArgumentException($"--preset {name} is not demo, resnet50 or resnet50-all."),
                };
                using var model = new RetinaNet(config);
                var parameters = model.TrainableParameters();
                long floats = 0;
                foreach (var p in parameters) floats += p.NumElements;
                double best = double.MaxValue, sum = 0;
                int n = pr.GetValue(repeats);
                for (int r = -1; r < n; r++)
                {
                    foreach (var p in parameters)
                    {
                        p.Grad?.Dispose();
                        p.Grad = Tensor.ZerosLike(p);
                        p.Grad.Data.Fill(1f);
                    }
                    mpi.Barrier();
                    var clock = Stopwatch.StartNew();
                    group.SumGradients(parameters);
                    double t = clock.Elapsed.TotalSeconds;
                    if (parameters[0].Grad!.Data[0] != mpi.Size) throw new InvalidOperationException($"the allreduce gave {parameters[0].Grad!.Data[0]}, not {mpi.Size}.");
                    if (r < 0) continue;
                    best = Math.Min(best, t);
                    sum += t;
                }
                // A ring allreduce moves 2(n−1)/n of the buffer through each link: the "bus bandwidth" of nccl-tests.
                double bytes = floats * 4.0, bus = 2.0 * (mpi.Size - 1) / mpi.Size * bytes;
                if (mpi.Rank == 0)
                    Console.WriteLine($"allreduce {name}: {floats / 1e6:F2} M floats ({bytes / 1e6:F1} MB) over {mpi.Size} ranks: mean {sum / n * 1e3:F1} ms, best {best * 1e3:F1} ms, bus bandwidth {bus / best / 1e9:F2} GB/s");
                foreach (var p in parameters) p.Grad?.Dispose();
            }
            return 0;
        }));
        return command;
    }
}
