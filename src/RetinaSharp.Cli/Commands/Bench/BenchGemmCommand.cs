using System.CommandLine;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Kernels;

namespace RetinaSharp.Cli.Commands.Bench;

/// <summary><c>retina bench gemm</c>: SGEMM throughput on an m×k by k×n product.</summary>
internal static class BenchGemmCommand
{
    public static Command Create()
    {
        var m = new Option<int>("--m") { Description = "Rows of C.", DefaultValueFactory = _ => 2048 };
        var n = new Option<int>("--n") { Description = "Columns of C.", DefaultValueFactory = _ => 2048 };
        var k = new Option<int>("--k") { Description = "Inner dimension.", DefaultValueFactory = _ => 2048 };
        var transA = new Option<bool>("--trans-a") { Description = "Store A transposed (k×m)." };
        var transB = new Option<bool>("--trans-b") { Description = "Store B transposed (n×k)." };
        var threads = new Option<int>("--threads") { Description = "Kernel threads.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs (the median is reported).", DefaultValueFactory = _ => 10 };
        var json = new Option<string?>("--json") { Description = "Also write the result to this JSON file." };
        var paced = new Option<bool>("--paced") { Description = "After warm-up print 'ready', then time one run per line read from stdin (for interleaving with another benchmark)." };

        var command = new Command("gemm", "Measure single-precision matrix multiply GFLOPS.");
        foreach (var option in new Option[] { m, n, k, transA, transB, threads, repeats, json, paced }) command.Options.Add(option);
        command.SetAction(parse => Run(parse.GetValue(m), parse.GetValue(n), parse.GetValue(k), parse.GetValue(transA),
            parse.GetValue(transB), parse.GetValue(threads), parse.GetValue(repeats), parse.GetValue(json), parse.GetValue(paced)));
        return command;
    }

    private static unsafe int Run(int m, int n, int k, bool transA, bool transB, int threads, int repeats, string? jsonPath, bool paced)
    {
        if (m <= 0 || n <= 0 || k <= 0 || threads <= 0 || repeats <= 0)
        {
            Console.Error.WriteLine("retina bench gemm: sizes, threads and repeats must be positive.");
            return 2;
        }
        KernelThreads.MaxThreads = threads;
        var random = new RandomGenerator(1234);
        using var a = new BenchBuffer((long)m * k, random);
        using var b = new BenchBuffer((long)k * n, random);
        using var c = new BenchBuffer((long)m * n, random);
        int lda = transA ? m : k, ldb = transB ? k : n;

        double seconds = BenchTimer.MedianSeconds(
            [() => Gemm.Sgemm(transA, transB, m, n, k, 1f, a.Pointer, lda, b.Pointer, ldb, 0f, c.Pointer, n)],
            warmups: 2, repeats, paced)[0];
        double gflops = 2.0 * m * n * k / seconds / 1e9;

        if (!paced)
        {
            Console.WriteLine($"sgemm {(transA ? "T" : "N")}{(transB ? "T" : "N")} m={m} n={n} k={k} threads={KernelThreads.MaxThreads} isa={Gemm.Isa}: " +
                $"median {seconds * 1e3:F2} ms, {gflops:F1} GFLOPS");
        }
        if (jsonPath != null)
        {
            BenchJson.Write(jsonPath,
            [
                new("kernel", "sgemm"), new("m", m), new("n", n), new("k", k), new("trans_a", transA), new("trans_b", transB),
                new("threads", KernelThreads.MaxThreads), new("isa", Gemm.Isa.ToString()), new("repeats", repeats),
                new("median_seconds", seconds), new("gflops", gflops),
            ]);
        }
        return 0;
    }
}
