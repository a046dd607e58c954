using System.CommandLine;

namespace RetinaSharp.Cli.Commands;

internal static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Evaluate detections with the COCO metrics.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("retina eval: not available yet in this build.");
            return 2;
        });
        return command;
    }
}
