using System.CommandLine;

namespace RetinaSharp.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmark kernels and inference.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("retina bench: not available yet in this build.");
            return 2;
        });
        return command;
    }
}
