using System.CommandLine;
using RetinaSharp.Tensors.Kernels;

namespace RetinaSharp.Cli.Commands.Bench;

internal static class BenchGemmCommand
{
    public static Command Create()
    {
        var m = new Option<int>("--m") { Description = "Rows of C.", DefaultValueFactory = _ => 2048 };
        var n = new Option<int>("--n") { Description = "Columns of C.", DefaultValueFactory = _ => 2048 };
        var k = new Option<int>("--k") { Description = "Inner dimension.", DefaultValueFactory = _ => 2048 };
        var threads = new Option<int>("--threads") { Description = "Threads (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs (the median is reported).", DefaultValueFactory = _ => 7 };
        var json = new Option<string?>("--json") { Description = "Also write the result to this JSON file." };
        var command = new Command("gemm", "Single-precision matrix multiply C = A·B, in GFLOPS.") { m, n, k, threads, repeats, json };
        command.SetAction(pr =>
        {
            int M = pr.GetValue(m), N = pr.GetValue(n), K = pr.GetValue(k);
            if (M <= 0 || N <= 0 || K <= 0) { Console.Error.WriteLine("retina bench gemm: --m, --n and --k must be positive."); return 2; }
            KernelThreads.MaxThreads = pr.GetValue(threads);
            var rng = new Tensors.RandomGenerator(1);
            var a = new float[(long)M * K]; var b = new float[(long)K * N]; var c = new float[(long)M * N];
            for (int i = 0; i < a.Length; i++) a[i] = (float)rng.Uniform(-1, 1);
            for (int i = 0; i < b.Length; i++) b[i] = (float)rng.Uniform(-1, 1);
            double sec = BenchTiming.MedianSeconds(() => Gemm.Sgemm(false, false, M, N, K, 1f, a, K, b, N, 0f, c, N), pr.GetValue(repeats));
            double gflops = 2.0 * M * N * K / sec / 1e9;
            Console.WriteLine($"gemm {M}x{N}x{K}  threads={KernelThreads.MaxThreads}  isa={Gemm.BestIsa}  median {sec * 1e3:F2} ms  {gflops:F1} GFLOPS");
            BenchTiming.WriteJson(pr.GetValue(json), new()
            {
                ["op"] = "gemm", ["m"] = M, ["n"] = N, ["k"] = K, ["threads"] = KernelThreads.MaxThreads,
                ["isa"] = Gemm.BestIsa.ToString(), ["median_seconds"] = sec, ["gflops"] = gflops,
            });
            return 0;
        });
        return command;
    }
}
