using System.CommandLine;
using RetinaSharp.Cli.Commands.Bench;

namespace RetinaSharp.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmark kernels and inference.");
        command.Subcommands.Add(BenchGemmCommand.Create());
        command.Subcommands.Add(BenchConvCommand.Create());
        command.Subcommands.Add(BenchTrainStepCommand.Create());
        command.Subcommands.Add(BenchInferCommand.Create());
        command.Subcommands.Add(BenchAllreduceCommand.Create());
        return command;
    }
}
