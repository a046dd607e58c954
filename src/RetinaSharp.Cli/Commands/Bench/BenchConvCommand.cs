using System.CommandLine;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Kernels;

namespace RetinaSharp.Cli.Commands.Bench;

/// <summary><c>retina bench conv</c>: 2-D convolution throughput, forward and forward+backward.</summary>
internal static class BenchConvCommand
{
    public static Command Create()
    {
        var batch = new Option<int>("--batch") { Description = "Images per batch.", DefaultValueFactory = _ => 1 };
        var inChannels = new Option<int>("--in-channels") { Description = "Input channels.", DefaultValueFactory = _ => 256 };
        var outChannels = new Option<int>("--out-channels") { Description = "Output channels.", DefaultValueFactory = _ => 256 };
        var height = new Option<int>("--height") { Description = "Input height.", DefaultValueFactory = _ => 100 };
        var width = new Option<int>("--width") { Description = "Input width.", DefaultValueFactory = _ => 136 };
        var kernel = new Option<int>("--kernel") { Description = "Square kernel size.", DefaultValueFactory = _ => 3 };
        var stride = new Option<int>("--stride") { Description = "Stride.", DefaultValueFactory = _ => 1 };
        var padding = new Option<int>("--padding") { Description = "Zero padding on each side.", DefaultValueFactory = _ => 1 };
        var dilation = new Option<int>("--dilation") { Description = "Dilation.", DefaultValueFactory = _ => 1 };
        var groups = new Option<int>("--groups") { Description = "Channel groups.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Kernel threads.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs (the median is reported).", DefaultValueFactory = _ => 5 };
        var json = new Option<string?>("--json") { Description = "Also write the result to this JSON file." };
        var paced = new Option<bool>("--paced") { Description = "After warm-up print 'ready', then time one run of each measurement per line read from stdin (for interleaving with another benchmark)." };

        var command = new Command("conv", "Measure 2-D convolution GFLOPS (forward, and forward + input and weight gradients).");
        foreach (var option in new Option[] { batch, inChannels, outChannels, height, width, kernel, stride, padding, dilation, groups, threads, repeats, json, paced })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            int kernelSize = parse.GetValue(kernel), s = parse.GetValue(stride), p = parse.GetValue(padding), d = parse.GetValue(dilation);
            var shape = new Conv2dShape(parse.GetValue(batch), parse.GetValue(inChannels), parse.GetValue(height), parse.GetValue(width),
                parse.GetValue(outChannels), kernelSize, kernelSize, s, s, p, p, d, d, parse.GetValue(groups));
            return Run(shape, parse.GetValue(threads), parse.GetValue(repeats), parse.GetValue(json), parse.GetValue(paced));
        });
        return command;
    }

    private static unsafe int Run(Conv2dShape s, int threads, int repeats, string? jsonPath, bool paced)
    {
        try
        {
            s.Validate();
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"retina bench conv: {e.Message}");
            return 2;
        }
        if (threads <= 0 || repeats <= 0)
        {
            Console.Error.WriteLine("retina bench conv: threads and repeats must be positive.");
            return 2;
        }
        KernelThreads.MaxThreads = threads;
        var random = new RandomGenerator(1234);
        long inputSize = (long)s.Batch * s.InChannels * s.InHeight * s.InWidth;
        long outputSize = (long)s.Batch * s.OutChannels * s.OutHeight * s.OutWidth;
        long weightSize = (long)s.OutChannels * s.InChannelsPerGroup * s.KernelH * s.KernelW;
        using var input = new BenchBuffer(inputSize, random);
        using var weight = new BenchBuffer(weightSize, random);
        using var bias = new BenchBuffer(s.OutChannels, random);
        using var output = new BenchBuffer(outputSize, random);
        using var gradOutput = new BenchBuffer(outputSize, random);
        using var gradInput = new BenchBuffer(inputSize, random);
        using var gradWeight = new BenchBuffer(weightSize, random);
        using var gradBias = new BenchBuffer(s.OutChannels, random);

        void Forward() => Conv2dKernels.Forward(s, input.Pointer, weight.Pointer, bias.Pointer, output.Pointer);
        void BackwardInput() => Conv2dKernels.BackwardInput(s, gradOutput.Pointer, weight.Pointer, gradInput.Pointer);
        void BackwardWeight() => Conv2dKernels.BackwardWeight(s, input.Pointer, gradOutput.Pointer, gradWeight.Pointer, gradBias.Pointer);

        double[] medians = BenchTimer.MedianSeconds(
            [Forward, BackwardInput, BackwardWeight, () => { Forward(); BackwardInput(); BackwardWeight(); }],
            warmups: 2, repeats, paced);
        double forward = medians[0], backwardInput = medians[1], backwardWeight = medians[2], total = medians[3];

        // Multiply-adds of the forward pass; each gradient is another product of the same size.
        double flops = 2.0 * s.Batch * s.OutChannels * s.InChannelsPerGroup * s.KernelH * s.KernelW * s.OutHeight * s.OutWidth;
        double forwardGflops = flops / forward / 1e9, totalGflops = 3 * flops / total / 1e9;
        if (!paced) Print();
        if (jsonPath != null)
        {
            BenchJson.Write(jsonPath,
            [
                new("kernel", "conv2d"), new("batch", s.Batch), new("in_channels", s.InChannels), new("out_channels", s.OutChannels),
                new("height", s.InHeight), new("width", s.InWidth), new("kernel_size", s.KernelH), new("stride", s.StrideH),
                new("padding", s.PadH), new("dilation", s.DilationH), new("groups", s.Groups),
                new("threads", KernelThreads.MaxThreads), new("isa", Gemm.Isa.ToString()), new("repeats", repeats),
                new("forward_median_seconds", forward), new("forward_gflops", forwardGflops),
                new("backward_input_median_seconds", backwardInput), new("backward_weight_median_seconds", backwardWeight),
                new("forward_backward_median_seconds", total), new("forward_backward_gflops", totalGflops),
            ]);
        }
        return 0;

        void Print()
        {
            Console.WriteLine($"conv2d {s.Batch}x{s.InChannels}x{s.InHeight}x{s.InWidth} -> {s.OutChannels} k={s.KernelH} s={s.StrideH} p={s.PadH} " +
                $"d={s.DilationH} g={s.Groups} threads={KernelThreads.MaxThreads} isa={Gemm.Isa}");
            Console.WriteLine($"  forward          {forward * 1e3,9:F2} ms  {forwardGflops,7:F1} GFLOPS");
            Console.WriteLine($"  backward input   {backwardInput * 1e3,9:F2} ms  {flops / backwardInput / 1e9,7:F1} GFLOPS");
            Console.WriteLine($"  backward weight  {backwardWeight * 1e3,9:F2} ms  {flops / backwardWeight / 1e9,7:F1} GFLOPS");
            Console.WriteLine($"  forward+backward {total * 1e3,9:F2} ms  {totalGflops,7:F1} GFLOPS");
        }
    }
}
