using System.CommandLine;
using System.Diagnostics;
using RetinaSharp.Data;
using RetinaSharp.Models;
using RetinaSharp.Structures;
using RetinaSharp.Training;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Kernels;
using RetinaSharp.Tensors.Optim;

namespace RetinaSharp.Cli.Commands.Bench;

internal static class BenchTrainStepCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "demo (the demo's small model at 256 px) or resnet50 (torchvision's RetinaNet at 800 px).", DefaultValueFactory = _ => "demo" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 8 };
        var height = new Option<int?>("--height");
        var width = new Option<int?>("--width");
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 5 };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("train-step", "Time a full training step (forward, loss, backward, optimiser) and its phases.") { preset, batch, height, width, steps, threads };
        command.SetAction(pr =>
        {
            KernelThreads.MaxThreads = pr.GetValue(threads);
            bool demo = pr.GetValue(preset) == "demo";
            var config = demo ? TrainingRecipes.Demo(8, false, 0).Model : new RetinaNetConfig { NumClasses = 91, TrainableBackboneLayers = 3 };
            int h = pr.GetValue(height) ?? (demo ? 256 : 800), w = pr.GetValue(width) ?? (demo ? 256 : 1088), n = pr.GetValue(batch);
            using var model = new RetinaNet(config);
            model.Train();
            using var opt = new Sgd(model.TrainableParameters(), 0.01f, 0.9f, 1e-4f);
            var rng = new RandomGenerator(1);
            var images = new float[n * 3 * h * w];
            for (int i = 0; i < images.Length; i++) images[i] = (float)rng.NextNormal();
            var targets = new DetectionTarget[n];
            for (int i = 0; i < n; i++)
            {
                var boxes = new List<Box>(); var labels = new List<int>();
                for (int b = 0; b < 5; b++)
                {
                    float bw = (float)rng.Uniform(16, w / 2.0), bh = (float)rng.Uniform(16, h / 2.0);
                    float x = (float)rng.Uniform(0, w - bw), y = (float)rng.Uniform(0, h - bh);
                    boxes.Add(new Box(x, y, x + bw, y + bh));
                    labels.Add(rng.NextInt(config.NumClasses));
                }
                targets[i] = new DetectionTarget([.. boxes], [.. labels], []);
            }
            var phases = new double[4];
            double total = 0;
            int count = pr.GetValue(steps);
            for (int s = -1; s < count; s++)
            {
                if (s == 0) OpProfiler.Reset();
                OpProfiler.Mark();
                var sw = Stopwatch.StartNew();
                using var scope = TensorScope.Enter();
                var x = Tensor.FromArray(images, n, 3, h, w);
                var output = model.ForwardHeads(x);
                double tf = sw.Elapsed.TotalSeconds;
                var loss = model.ComputeLoss(output, targets);
                var sum = loss.Classification.Add(loss.BoxRegression);
                double tl = sw.Elapsed.TotalSeconds;
                sum.Backward();
                double tb = sw.Elapsed.TotalSeconds;
                opt.Step();
                opt.ZeroGrad();
                double ts = sw.Elapsed.TotalSeconds;
                if (s < 0) continue;
                phases[0] += tf; phases[1] += tl - tf; phases[2] += tb - tl; phases[3] += ts - tb;
                total += ts;
            }
            Console.WriteLine($"train step ({pr.GetValue(preset)}, batch {n}, {h}x{w}, threads {KernelThreads.MaxThreads}): {total / count:F3} s/step, {n * count / total:F2} images/s");
            Console.WriteLine($"  forward {phases[0] / count:F3} s  loss {phases[1] / count:F3} s  backward {phases[2] / count:F3} s  optimiser {phases[3] / count:F3} s");
            if (OpProfiler.Enabled) Console.WriteLine(OpProfiler.Report());
            return 0;
        });
        return command;
    }
}
