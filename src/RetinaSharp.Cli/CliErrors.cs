namespace RetinaSharp.Cli;

/// <summary>Turns expected failures (bad files, bad arguments) into one clear line and exit code 1.</summary>
internal static class CliErrors
{
    public static int Run(string command, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException
                                   or Imaging.InvalidImageException or Tensors.Serialization.CheckpointFormatException or Tensors.Nn.StateDictException or InsufficientMemoryException)
        {
            Console.Error.WriteLine($"retina {command}: {e.Message}");
            return 1;
        }
    }
}
