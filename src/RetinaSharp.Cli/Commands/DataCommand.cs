using System.CommandLine;

namespace RetinaSharp.Cli.Commands;

internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Inspect a data set.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("retina data: not available yet in this build.");
            return 2;
        });
        return command;
    }
}
