using System.CommandLine;

namespace RetinaSharp.Cli.Commands;

internal static class AblateCommand
{
    public static Command Create()
    {
        var command = new Command("ablate", "Reproduce the paper's ablation studies.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("retina ablate: not available yet in this build.");
            return 2;
        });
        return command;
    }
}
