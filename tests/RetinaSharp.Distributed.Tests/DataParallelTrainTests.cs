using System.Diagnostics;
using System.Globalization;
using RetinaSharp.Checkpoints;
using RetinaSharp.Data.Synthetic;
using RetinaSharp.Testing;
using RetinaSharp.Training.Metrics;
using Xunit;

namespace RetinaSharp.Distributed.Tests;

/// <summary>A small data set and the one-process run that data-parallel runs are held against.</summary>
public sealed class ReferenceRun : IAsyncLifetime
{
    private readonly TempDir _temp = new();

    public string Root => _temp.Path;

    public string Out => _temp["single"];

    public string Config => _temp["log-every-step.json"];

    public Task InitializeAsync()
    {
        SyntheticDataset.Generate(new SyntheticOptions { Seed = 1, TrainImages = 16, ValImages = 1, Settings = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Easy, 64) }, _temp["data"]);
        File.WriteAllText(Config, """{"log_every": 1}""");
        return Run();

        async Task Run()
        {
            var run = await MpiRun.RetinaAsync([.. TrainArguments(Out, Config)]);
            Assert.True(run.ExitCode == 0, run.All);
        }
    }

    /// <summary>
    /// 12 steps of a tiny GroupNorm ResNet-18 on 1 thread. A batch of 3 over 2 ranks gives slices of
    /// 1 and 2 images, the epoch's leftover batch of 1 an empty slice, and two training sizes give
    /// batches padded beyond some of their images. The rate is low because this tiny network
    /// amplifies rounding differences (the ranks sum in another order) from step to step: at 0.02
    /// they grow from 1e-8 to 1e-3 within 12 steps, at 0.002 they stay near 1e-6.
    /// </summary>
    public IEnumerable<string> TrainArguments(string output, string config) =>
    [
        "train", "--data", Path.Combine(Root, "data", "train.json"), "--images", Path.Combine(Root, "data", "train"), "--out", output,
        "--config", config, "--arch", "resnet18", "--width", "0.125", "--norm", "GroupNorm", "--trainable-layers", "5", "--batch", "3",
        "--iterations", "12", "--min-size", "32", "64", "--max-size", "64", "--optimizer", "sgd", "--lr", "0.002", "--warmup", "2",
        "--threads", "1", "--checkpoint-every", "0", "--seed", "3",
    ];

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>`retina train` under `mpirun -np 2`: the same training as one process, written once, and ended cleanly by failures.</summary>
[Collection(MpiCollection.Name)]
public sealed class DataParallelTrainTests(ReferenceRun reference) : IClassFixture<ReferenceRun>, IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private IEnumerable<string> TwoRanks(IEnumerable<string> arguments) => ["-np", "2", MpiRun.Dotnet, MpiRun.RetinaDll, .. arguments];

    [Fact]
    public async Task Two_ranks_of_one_thread_reproduce_one_process_with_the_same_global_batch()
    {
        var output = _temp["two"];
        var run = await MpiRun.MpiAsync(TwoRanks(reference.TrainArguments(output, reference.Config)));
        Assert.True(run.ExitCode == 0, run.All);

        AssertSameLosses(reference.Out, output, fromIteration: 1);
        AssertSameWeights(reference.Out, output);
        // Only rank 0 writes and prints: one record per step (two writers would append two), one summary line, the same files.
        Assert.Equal(Enumerable.Range(1, 12), MetricsLog.Read(Path.Combine(output, "metrics.jsonl")).Steps.Select(s => s.Iteration));
        Assert.Single(run.Stdout.Split('\n'), l => l.Contains("Last checkpoint:", StringComparison.Ordinal));
        Assert.Equal(FileNames(reference.Out), FileNames(output));
    }

    [Fact]
    public async Task A_run_paused_in_one_process_resumes_on_two_ranks_and_ends_as_one_process_would()
    {
        var output = _temp["resumed"];
        var pause = _temp.Write("pause.json", """{"log_every": 1, "stop_at_iteration": 6}""");
        var first = await MpiRun.RetinaAsync(reference.TrainArguments(output, pause));
        Assert.True(first.ExitCode == 0, first.All);
        var second = await MpiRun.MpiAsync(TwoRanks([.. reference.TrainArguments(output, reference.Config), "--resume"]));
        Assert.True(second.ExitCode == 0, second.All);
        Assert.Contains("Resumed from", second.Stdout);

        AssertSameLosses(reference.Out, output, fromIteration: 7);
        AssertSameWeights(reference.Out, output);
    }

    [Fact]
    public async Task A_killed_rank_ends_the_job_within_seconds_and_the_last_checkpoint_stays_loadable()
    {
        var output = _temp["killed"];
        var arguments = reference.TrainArguments(output, reference.Config).ToList();
        arguments[arguments.IndexOf("--iterations") + 1] = "100000";
        arguments[arguments.IndexOf("--checkpoint-every") + 1] = "1";
        using var mpirun = Process.Start(MpiRun.StartInfo(MpiRun.MpiRunPath, [.. MpiRun.LocalJob, .. TwoRanks(arguments)]))!;
        try
        {
            var stdout = mpirun.StandardOutput.ReadToEndAsync();
            var stderr = mpirun.StandardError.ReadToEndAsync();
            var checkpoint = Path.Combine(output, "last.safetensors");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(checkpoint) && !mpirun.HasExited && clock.Elapsed < TimeSpan.FromSeconds(180)) await Task.Delay(100);
            if (mpirun.HasExited) Assert.Fail($"the job ended before its first checkpoint: {await stderr}");
            Assert.True(File.Exists(checkpoint), "no checkpoint within 3 minutes");
            int rank1 = RankProcess(mpirun.Id, 1);
            Process.GetProcessById(rank1).Kill();
            clock.Restart();
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30))) await mpirun.WaitForExitAsync(timeout.Token);
            var ended = clock.Elapsed;
            string all = await stdout + await stderr;
            Assert.NotEqual(0, mpirun.ExitCode);
            Assert.Contains("rank 1", all);
            Assert.True(ended < TimeSpan.FromSeconds(20), $"the job took {ended} to end after rank 1 was killed");
        }
        finally
        {
            if (!mpirun.HasExited) mpirun.Kill(entireProcessTree: true);
        }
        using var loaded = Checkpoint.Load(Path.Combine(output, "last.safetensors"));
        Assert.NotEmpty(loaded.Model);
    }

    [Fact]
    public async Task A_rank_that_fails_ends_the_job_with_its_error()
    {
        var good = reference.TrainArguments(_temp["failed"], reference.Config).ToList();
        var bad = good.ToList();
        bad[bad.IndexOf("--data") + 1] = _temp["missing.json"];
        var clock = Stopwatch.StartNew();
        var run = await MpiRun.MpiAsync(["-np", "1", MpiRun.Dotnet, MpiRun.RetinaDll, .. good, ":", "-np", "1", MpiRun.Dotnet, MpiRun.RetinaDll, .. bad]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("rank 1 of 2", run.Stderr);
        Assert.Contains("missing.json", run.Stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the job took {clock.Elapsed}");
        Assert.False(File.Exists(Path.Combine(_temp["failed"], "last.safetensors")));
    }

    [Fact]
    public async Task Ranks_started_with_different_options_are_refused_before_the_first_step()
    {
        var a = reference.TrainArguments(_temp["mismatch"], reference.Config).ToList();
        var b = a.ToList();
        b[b.IndexOf("--lr") + 1] = "0.03";
        var run = await MpiRun.MpiAsync(["-np", "1", MpiRun.Dotnet, MpiRun.RetinaDll, .. a, ":", "-np", "1", MpiRun.Dotnet, MpiRun.RetinaDll, .. b]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("rank 1 resolved other training options", run.Stderr);
        Assert.False(File.Exists(Path.Combine(_temp["mismatch"], "metrics.jsonl")));
    }

    private static void AssertSameLosses(string expectedRun, string actualRun, int fromIteration)
    {
        var expected = MetricsLog.Read(Path.Combine(expectedRun, "metrics.jsonl")).Steps.Where(s => s.Iteration >= fromIteration).ToList();
        var actual = MetricsLog.Read(Path.Combine(actualRun, "metrics.jsonl")).Steps.Where(s => s.Iteration >= fromIteration).ToList();
        Assert.Equal(expected.Select(s => s.Iteration), actual.Select(s => s.Iteration));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i].Loss - actual[i].Loss) <= 1e-4 * Math.Abs(expected[i].Loss),
                $"iteration {expected[i].Iteration}: loss {actual[i].Loss} against {expected[i].Loss} in one process");
            Assert.Equal(expected[i].ForegroundAnchors, actual[i].ForegroundAnchors);
        }
    }

    private static void AssertSameWeights(string expectedRun, string actualRun)
    {
        using var expected = Checkpoint.Load(Path.Combine(expectedRun, "last.safetensors"));
        using var actual = Checkpoint.Load(Path.Combine(actualRun, "last.safetensors"));
        var a = actual.Model;
        Assert.Equal(expected.Model.Keys.Order(), a.Keys.Order());
        foreach (var (name, tensor) in expected.Model)
        {
            if (tensor.DType != Tensors.DType.Float32) continue;
            var x = tensor.Data;
            var y = a[name].Data;
            for (int i = 0; i < x.Length; i++)
                Assert.True(Math.Abs(x[i] - y[i]) <= 1e-5 * Math.Max(1, Math.Abs(x[i])), $"{name}[{i}]: {y[i]} against {x[i]} in one process");
        }
    }

    private static string[] FileNames(string folder) => [.. Directory.GetFiles(folder).Select(Path.GetFileName).Order()!];

    /// <summary>
    /// The child of mpirun that is rank <paramref name="rank"/> (Open MPI sets OMPI_COMM_WORLD_RANK in
    /// its environment). Only mpirun's own children are read: reading another process's environment
    /// can wait on that process's memory lock.
    /// </summary>
    private static int RankProcess(int mpirun, int rank)
    {
        foreach (var task in Directory.GetDirectories($"/proc/{mpirun}/task"))
            foreach (var child in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (File.ReadAllText($"/proc/{child}/environ").Split('\0').Contains($"OMPI_COMM_WORLD_RANK={rank}"))
                    return int.Parse(child, CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"no child of mpirun {mpirun} is rank {rank}");
    }
}
