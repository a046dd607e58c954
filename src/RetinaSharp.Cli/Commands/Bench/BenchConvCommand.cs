using System.CommandLine;
using RetinaSharp.Tensors.Kernels;

namespace RetinaSharp.Cli.Commands.Bench;

internal static class BenchConvCommand
{
    public static Command Create()
    {
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 1 };
        var inC = new Option<int>("--in-channels") { DefaultValueFactory = _ => 256 };
        var outC = new Option<int>("--out-channels") { DefaultValueFactory = _ => 256 };
        var height = new Option<int>("--height") { DefaultValueFactory = _ => 100 };
        var width = new Option<int>("--width") { DefaultValueFactory = _ => 136 };
        var kernel = new Option<int>("--kernel") { DefaultValueFactory = _ => 3 };
        var stride = new Option<int>("--stride") { DefaultValueFactory = _ => 1 };
        var padding = new Option<int>("--padding") { DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Threads (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs (the median is reported).", DefaultValueFactory = _ => 5 };
        var json = new Option<string?>("--json") { Description = "Also write the result to this JSON file." };
        var command = new Command("conv", "2-D convolution forward and forward+backward, in GFLOPS.")
            { batch, inC, outC, height, width, kernel, stride, padding, threads, repeats, json };
        command.SetAction(pr =>
        {
            var s = new Conv2dShape(pr.GetValue(batch), pr.GetValue(inC), pr.GetValue(height), pr.GetValue(width), pr.GetValue(outC),
                pr.GetValue(kernel), pr.GetValue(kernel), pr.GetValue(stride), pr.GetValue(stride), pr.GetValue(padding), pr.GetValue(padding));
            try { s.Validate(); }
            catch (ArgumentException e) { Console.Error.WriteLine($"retina bench conv: {e.Message}"); return 2; }
            KernelThreads.MaxThreads = pr.GetValue(threads);
            var rng = new Tensors.RandomGenerator(2);
            float[] R(long len) { var a = new float[len]; for (long i = 0; i < len; i++) a[i] = (float)rng.Uniform(-1, 1); return a; }
            var x = R((long)s.Batch * s.InChannels * s.InHeight * s.InWidth);
            var w = R((long)s.OutChannels * s.InChannelsPerGroup * s.KernelH * s.KernelW);
            var bias = R(s.OutChannels);
            var y = new float[(long)s.Batch * s.OutChannels * s.OutHeight * s.OutWidth];
            var dy = R(y.Length);
            var dx = new float[x.Length]; var dw = new float[w.Length]; var db = new float[bias.Length];
            int rep = pr.GetValue(repeats);
            double fwd, bwd;
            unsafe
            {
                fixed (float* px = x, pw = w, pb = bias, py = y, pdy = dy, pdx = dx, pdw = dw, pdb = db)
                {
                    float* cx = px, cw = pw, cb = pb, cy = py, cdy = pdy, cdx = pdx, cdw = pdw, cdb = pdb;
                    fwd = BenchTiming.MedianSeconds(() => Conv2dKernels.Forward(s, cx, cw, cb, cy), rep);
                    bwd = BenchTiming.MedianSeconds(() =>
                    {
                        Conv2dKernels.Forward(s, cx, cw, cb, cy);
                        Conv2dKernels.BackwardInput(s, cdy, cw, cdx);
                        Conv2dKernels.BackwardWeight(s, cx, cdy, cdw, cdb);
                    }, rep);
                }
            }
            double flops = 2.0 * s.Batch * s.OutChannels * s.OutHeight * s.OutWidth * s.InChannelsPerGroup * s.KernelH * s.KernelW;
            Console.WriteLine($"conv {s.Batch}x{s.InChannels}x{s.InHeight}x{s.InWidth} -> {s.OutChannels} k{s.KernelH} s{s.StrideH} p{s.PadH}  threads={KernelThreads.MaxThreads}");
            Console.WriteLine($"  forward           median {fwd * 1e3:F2} ms  {flops / fwd / 1e9:F1} GFLOPS");
            Console.WriteLine($"  forward+backward  median {bwd * 1e3:F2} ms  {3 * flops / bwd / 1e9:F1} GFLOPS");
            BenchTiming.WriteJson(pr.GetValue(json), new()
            {
                ["op"] = "conv2d", ["batch"] = s.Batch, ["in_channels"] = s.InChannels, ["out_channels"] = s.OutChannels,
                ["height"] = s.InHeight, ["width"] = s.InWidth, ["kernel"] = s.KernelH, ["stride"] = s.StrideH, ["padding"] = s.PadH,
                ["threads"] = KernelThreads.MaxThreads, ["forward_seconds"] = fwd, ["forward_gflops"] = flops / fwd / 1e9,
                ["forward_backward_seconds"] = bwd, ["forward_backward_gflops"] = 3 * flops / bwd / 1e9,
            });
            return 0;
        });
        return command;
    }
}
