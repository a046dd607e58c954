using System.CommandLine;

namespace RetinaSharp.Cli.Commands;

internal static class SynthCommand
{
    public static Command Create()
    {
        var command = new Command("synth", "Write the synthetic shapes data set.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("retina synth: not available yet in this build.");
            return 2;
        });
        return command;
    }
}
