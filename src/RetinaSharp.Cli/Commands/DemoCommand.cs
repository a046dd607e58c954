using System.CommandLine;

namespace RetinaSharp.Cli.Commands;

internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Make the synthetic data set, train a small RetinaNet, evaluate it and draw detections.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("retina demo: not available yet in this build.");
            return 2;
        });
        return command;
    }
}
