using System.Globalization;

namespace RetinaSharp.Checkpoints;

/// <summary>
/// Writes download progress as bytes and percent: rewritten in place on a terminal, and on a file
/// or pipe one line per twentieth (or per 16 MiB when the length is unknown), so logs hold lines
/// rather than carriage returns.
/// </summary>
public sealed class DownloadProgressWriter(TextWriter writer, bool rewriteInPlace) : IProgress<DownloadProgress>
{
    private const long UnknownLengthStep = 16L << 20;
    private long _lastStep = -1;
    private long _lastBytes = -1;

    /// <summary>Standard error, rewritten in place unless it is redirected.</summary>
    public static DownloadProgressWriter ForStandardError() => new(Console.Error, !Console.IsErrorRedirected);

    public void Report(DownloadProgress value)
    {
        if (value.Bytes == 0 && !value.Finished)
        {
            _lastStep = -1;
            _lastBytes = -1;
            writer.WriteLine($"Downloading {value.Url} to {value.Destination}");
        }
        // On a terminal a step is a percent (or a MiB): enough to look live without a write per read.
        long step = value.Percent is double p ? (long)(p / (rewriteInPlace ? 1 : 5)) : value.Bytes / (rewriteInPlace ? 1L << 20 : UnknownLengthStep);
        bool due = step != _lastStep || (value.Finished && value.Bytes != _lastBytes);
        if (!due && !(rewriteInPlace && value.Finished)) return;
        _lastStep = step;
        _lastBytes = value.Bytes;
        var text = value.TotalBytes is long total
            ? string.Create(CultureInfo.InvariantCulture, $"{Mebibytes(value.Bytes)} / {Mebibytes(total)} MiB ({value.Percent ?? 100:F0}%)")
            : string.Create(CultureInfo.InvariantCulture, $"{Mebibytes(value.Bytes)} MiB");
        if (rewriteInPlace)
        {
            writer.Write($"\r{text}   ");
            if (value.Finished) writer.WriteLine();
        }
        else writer.WriteLine(text);
        writer.Flush();
    }

    private static string Mebibytes(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);
}
