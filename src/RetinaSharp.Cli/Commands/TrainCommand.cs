using System.CommandLine;

namespace RetinaSharp.Cli.Commands;

internal static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Train a RetinaNet.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("retina train: not available yet in this build.");
            return 2;
        });
        return command;
    }
}
