using System.CommandLine;

namespace RetinaSharp.Cli.Commands;

internal static class PredictCommand
{
    public static Command Create()
    {
        var command = new Command("predict", "Run a trained detector on images.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("retina predict: not available yet in this build.");
            return 2;
        });
        return command;
    }
}
