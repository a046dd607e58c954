using System.Diagnostics;

namespace RetinaSharp.Distributed.Tests;

/// <summary>Runs programs under Open MPI's mpirun (as root too, more ranks than cores allowed) and collects their output.</summary>
internal static class MpiRun
{
    public const string MpiRunPath = "/usr/bin/mpirun";

    public static string Dotnet => Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";

    public static string RetinaDll => Path.Combine(AppContext.BaseDirectory, "retina.dll");

    /// <summary>mpirun's own options for a job on this machine.</summary>
    public static readonly string[] LocalJob = ["--allow-run-as-root", "--oversubscribe", "--bind-to", "none"];

    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>Runs mpirun with <paramref name="arguments"/> to the end (or <paramref name="timeout"/>).</summary>
    public static Task<Result> MpiAsync(IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        RunAsync(StartInfo(MpiRunPath, [.. LocalJob, .. arguments]), timeout ?? TimeSpan.FromSeconds(120));

    /// <summary>Runs `retina` as one plain process.</summary>
    public static Task<Result> RetinaAsync(IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        RunAsync(StartInfo(Dotnet, [RetinaDll, .. arguments]), timeout ?? TimeSpan.FromSeconds(120));

    public static async Task<Result> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not end within {timeout}: {await stderr}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + "\n" + Stderr;
    }
}
