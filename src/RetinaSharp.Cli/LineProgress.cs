namespace RetinaSharp.Cli;

/// <summary>
/// "n/N items" progress: rewritten in place on a terminal, and on a file or pipe one line per
/// twentieth of the work, so logs hold lines rather than carriage returns.
/// </summary>
internal sealed class LineProgress(TextWriter writer, int total, string unit)
{
    private readonly bool _terminal = ReferenceEquals(writer, Console.Error) ? !Console.IsErrorRedirected : ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
    private readonly int _step = Math.Max(1, total / 20);
    private int _last;

    public void Report(int done)
    {
        if (_terminal) writer.Write($"\r{done}/{total} {unit}");
        else if (done - _last >= _step || done == total)
        {
            writer.WriteLine($"{done}/{total} {unit}");
            _last = done;
        }
    }

    public void Finish()
    {
        if (_terminal) writer.WriteLine();
    }
}
