using System.Diagnostics;
using RetinaSharp.Checkpoints;
using RetinaSharp.Data.Synthetic;
using RetinaSharp.Training;
using Xunit;
using RetinaSharp.Testing;

namespace RetinaSharp.Cli.Tests.Commands;

/// <summary>
/// Stopping a real `retina train` process. SIGTERM (kill, docker stop, a scheduler's time limit) goes
/// the same way as Ctrl-C: the run is cancelled after its current step and a checkpoint is written.
/// SIGINT itself cannot be tested here: a process started in the background inherits it ignored.
/// </summary>
public sealed class TrainInterruptTests : IDisposable
{
    private readonly TempDir _temp = new();

    private string _dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Sigterm_stops_training_with_a_checkpoint_of_the_last_finished_step()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var data = Path.Combine(_dir, "data");
        SyntheticDataset.Generate(new SyntheticOptions { Seed = 1, TrainImages = 8, ValImages = 1, Settings = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Easy, 64) }, data);
        var run = Path.Combine(_dir, "run");
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "retina.dll"), "train", "--data", Path.Combine(data, "train.json"), "--images", Path.Combine(data, "train"),
            "--out", run, "--arch", "resnet18", "--width", "0.125", "--norm", "GroupNorm", "--trainable-layers", "5", "--batch", "2",
            "--iterations", "100000", "--min-size", "64", "--max-size", "64", "--optimizer", "adamw", "--lr", "0.001", "--threads", "1",
            "--checkpoint-every", "0",
        }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var metrics = Path.Combine(run, "metrics.jsonl");
            var clock = Stopwatch.StartNew();
            while (!(File.Exists(metrics) && new FileInfo(metrics).Length > 0) && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(120)) await Task.Delay(100);
            if (process.HasExited) Assert.Fail($"training ended early: {await stderr}");
            Assert.False(File.Exists(Path.Combine(run, "last.safetensors")), "no checkpoint should exist before the interrupt");
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60))) await process.WaitForExitAsync(timeout.Token);
            string errors = await stderr;
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {errors}");
            Assert.Contains("cancelled", await stdout);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        using var checkpoint = Checkpoint.Load(Path.Combine(run, "last.safetensors"));
        Assert.True(TrainingState.FromJson(checkpoint.Metadata.TrainerStateJson!, run).Iteration >= 1);
        Assert.False(Directory.EnumerateFiles(run, "*.tmp*").Any(), "a temporary file was left behind");
    }
}
