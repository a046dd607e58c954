using RetinaSharp.Checkpoints;
using Xunit;

namespace RetinaSharp.Tests.Checkpoints;

public sealed class DownloadProgressWriterTests
{
    [Fact]
    public void Progress_on_a_file_or_pipe_is_one_line_per_twentieth()
    {
        var text = new StringWriter();
        var writer = new DownloadProgressWriter(text, rewriteInPlace: false);
        var url = new Uri("http://127.0.0.1:9/resnet18-f37072fd.pth");
        const long total = 100L << 20;
        writer.Report(new DownloadProgress(url, "/cache/resnet18-f37072fd.pth", 0, total, false));
        for (long done = 65536; done <= total; done += 65536) writer.Report(new DownloadProgress(url, "/cache/resnet18-f37072fd.pth", done, total, false));
        writer.Report(new DownloadProgress(url, "/cache/resnet18-f37072fd.pth", total, total, true));

        var lines = text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Downloading http://127.0.0.1:9/resnet18-f37072fd.pth to /cache/resnet18-f37072fd.pth", lines[0]);
        Assert.Equal("0.0 / 100.0 MiB (0%)", lines[1]);
        Assert.Equal("5.0 / 100.0 MiB (5%)", lines[2]);
        Assert.Equal("100.0 / 100.0 MiB (100%)", lines[^1]);
        Assert.Equal(22, lines.Length);
        Assert.DoesNotContain('\r', text.ToString());
    }

    [Fact]
    public void Progress_of_unknown_length_counts_mebibytes()
    {
        var text = new StringWriter();
        var writer = new DownloadProgressWriter(text, rewriteInPlace: false);
        var url = new Uri("http://127.0.0.1:9/x-0123abcd.pth");
        writer.Report(new DownloadProgress(url, "/c/x-0123abcd.pth", 0, null, false));
        writer.Report(new DownloadProgress(url, "/c/x-0123abcd.pth", 20L << 20, null, false));
        writer.Report(new DownloadProgress(url, "/c/x-0123abcd.pth", 21L << 20, null, true));

        var lines = text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["0.0 MiB", "20.0 MiB", "21.0 MiB"], lines[1..]);
    }

    [Fact]
    public void Progress_on_a_terminal_rewrites_one_line_and_ends_it()
    {
        var text = new StringWriter();
        var writer = new DownloadProgressWriter(text, rewriteInPlace: true);
        var url = new Uri("http://127.0.0.1:9/x-0123abcd.pth");
        writer.Report(new DownloadProgress(url, "/c/x-0123abcd.pth", 0, 1000, false));
        for (int done = 1; done <= 1000; done++) writer.Report(new DownloadProgress(url, "/c/x-0123abcd.pth", done, 1000, false));
        writer.Report(new DownloadProgress(url, "/c/x-0123abcd.pth", 1000, 1000, true));

        var lines = text.ToString().Split(Environment.NewLine);
        Assert.Equal(["Downloading http://127.0.0.1:9/x-0123abcd.pth to /c/x-0123abcd.pth", ""], [lines[0], lines[^1]]);
        Assert.Equal(3, lines.Length);
        // One rewrite per percent, not one per report.
        Assert.Equal(102, lines[1].Count(c => c == '\r'));
        Assert.EndsWith("\r0.0 / 0.0 MiB (100%)   ", lines[1]);
    }
}
