using System.Diagnostics;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Cli.Tests.Commands;

/// <summary>`retina` installs as a .NET tool from the repository: dotnet pack, then dotnet tool install from that folder.</summary>
public sealed class ToolPackageTests
{
    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish in 4 minutes");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    [Fact]
    public void Packs_and_installs_as_a_dotnet_tool()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root != null && !File.Exists(Path.Combine(root.FullName, "RetinaSharp.slnx"))) root = root.Parent;
        Assert.NotNull(root);
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        using var dir = new TempDir();
        var project = Path.Combine(root!.FullName, "src", "RetinaSharp.Cli", "RetinaSharp.Cli.csproj");
        // The suite's own build already compiled the project in Release.
        var pack = Run(dotnet, "pack", project, "-c", "Release", "--no-build", "-o", dir["feed"]);
        Assert.True(pack.Code == 0, pack.Output);
        var install = Run(dotnet, "tool", "install", "--tool-path", dir["tools"], "--add-source", dir["feed"], "RetinaSharp.Cli");
        Assert.True(install.Code == 0, install.Output);
        var help = Run(Path.Combine(dir["tools"], OperatingSystem.IsWindows() ? "retina.exe" : "retina"), "--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("retina [command] [options]", help.Output);
        Assert.Contains("train", help.Output);
    }
}
