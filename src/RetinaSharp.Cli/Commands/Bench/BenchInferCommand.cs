using System.CommandLine;
using RetinaSharp.Imaging;
using RetinaSharp.Models;
using RetinaSharp.Tensors.Kernels;

namespace RetinaSharp.Cli.Commands.Bench;

internal static class BenchInferCommand
{
    public static Command Create()
    {
        var arch = new Option<string>("--arch") { Description = "Backbone of the RetinaNet (torchvision's retinanet_<arch>_fpn layout, 91 classes).", DefaultValueFactory = _ => "resnet50" };
        var height = new Option<int>("--height") { DefaultValueFactory = _ => 800 };
        var width = new Option<int>("--width") { DefaultValueFactory = _ => 1067 };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount };
        var repeats = new Option<int>("--repeats") { DefaultValueFactory = _ => 5 };
        var json = new Option<string?>("--json") { Description = "Also write the result to this JSON file." };
        var command = new Command("infer", "Seconds per image for transform + network + post-processing, on random weights.") { arch, height, width, threads, repeats, json };
        command.SetAction(pr =>
        {
            KernelThreads.MaxThreads = pr.GetValue(threads);
            var config = new RetinaNetConfig { Backbone = pr.GetValue(arch)!, NumClasses = 91 };
            using var detector = new RetinaNetDetector(new RetinaNet(config, seed: 1));
            int h = pr.GetValue(height), w = pr.GetValue(width);
            var rng = new Tensors.RandomGenerator(3);
            var image = new RgbImage(w, h);
            for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)rng.NextInt(256);
            double sec = BenchTimer.MedianSeconds([() => detector.Detect(image)], warmups: 1, pr.GetValue(repeats), paced: false)[0];
            Console.WriteLine($"infer {config.Backbone}-FPN {h}x{w} (resized to {config.MinSize}/{config.MaxSize})  threads={KernelThreads.MaxThreads}  median {sec:F3} s/image");
            if (pr.GetValue(json) is string jsonPath)
                BenchJson.Write(jsonPath, [new("op", "infer"), new("arch", config.Backbone), new("height", h), new("width", w),
                    new("threads", KernelThreads.MaxThreads), new("median_seconds", sec)]);
            return 0;
        });
        return command;
    }
}
