using System.CommandLine;
using RetinaSharp.Cli.Commands;
using RetinaSharp.Data;
using RetinaSharp.Imaging;
using Xunit;
using RetinaSharp.Testing;

namespace RetinaSharp.Cli.Tests;

public sealed class DataCheckCommandTests : IDisposable
{
    private readonly TempDir _temp = new();

    private string _dir => _temp.Path;

    public DataCheckCommandTests()
    {
        File.WriteAllBytes(Path.Combine(_dir, "a.png"), PngEncoder.Encode(new RgbImage(100, 60)));
        File.WriteAllBytes(Path.Combine(_dir, "b.png"), PngEncoder.Encode(new RgbImage(40, 90)));
        File.WriteAllText(Path.Combine(_dir, "classes.csv"), "cat,0\ndog,1\n");
        // Boxes of sqrt(area) 10, 20 and 40; one box sticks out (clipped), one has no width (dropped).
        File.WriteAllText(Path.Combine(_dir, "train.csv"),
            "a.png,0,0,10,10,cat\na.png,0,0,20,20,dog\na.png,80,20,120,60,dog\na.png,5,5,5,9,cat\nb.png,,,,,\nmissing.png,1,1,2,2,cat\n");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void PrintsSummaryAndProblems()
    {
        var output = new StringWriter();
        int rc = DataCommand.Check(new DatasetSpec(Path.Combine(_dir, "train.csv")), decode: false, output, TextWriter.Null);
        var text = output.ToString();
        Assert.Equal(1, rc); // the missing image is an error
        Assert.Contains("images: 2 (1 without boxes)", text);
        Assert.Matches(@"0\s+0\s+cat\s+1\s+0", text);
        Assert.Matches(@"1\s+1\s+dog\s+2\s+0", text);
        Assert.Matches(@"< 16\s+1\n", text.Replace("\r", ""));
        Assert.Matches(@"16-32\s+2\n", text.Replace("\r", "")); // 20, and the clipped box: [80, 20, 100, 60] → sqrt(800) ≈ 28.3
        Assert.Contains("box aspect ratio (h/w): 1 to 2", text);
        Assert.Contains("image width: 40 to 100; height: 60 to 90", text);
        Assert.Contains("line 6: image file", text);
        Assert.Contains("missing.png does not exist", text);
        Assert.Contains("line 3: box [80, 20, 120, 60] extends outside the 100x60 image", text);
        Assert.Contains("line 4: box [5, 5, 5, 9] has x2 <= x1; dropped", text);
    }

    [Fact]
    public void IsASubcommandOfData()
    {
        var data = DataCommand.Create();
        Assert.Equal(["check", "convert"], data.Subcommands.Select(c => c.Name));
        var parse = data.Parse(["check", Path.Combine(_dir, "nothing.csv"), "--classes", Path.Combine(_dir, "classes.csv")]);
        Assert.Empty(parse.Errors);
        Assert.Equal(2, parse.Invoke()); // cannot open: no such file
    }

    [Fact]
    public void The_same_error_on_every_row_is_one_line_with_a_count()
    {
        var rows = new System.Text.StringBuilder();
        for (int i = 0; i < 40; i++)
        {
            File.WriteAllBytes(Path.Combine(_dir, $"bird{i}.png"), PngEncoder.Encode(new RgbImage(8, 8)));
            rows.Append($"bird{i}.png,1,1,5,5,bird\n");
        }
        rows.Append("b.png,1,1,9,9,cat\n");
        File.WriteAllText(Path.Combine(_dir, "birds.csv"), rows.ToString());
        var output = new StringWriter();
        DataCommand.Check(new DatasetSpec(Path.Combine(_dir, "birds.csv")) { Classes = Path.Combine(_dir, "classes.csv") }, decode: false, output, TextWriter.Null);
        var lines = output.ToString().Split('\n').Where(l => l.Contains("is not in")).ToList();
        var line = Assert.Single(lines);
        Assert.Contains("class \"bird\" is not in", line);
        Assert.Contains("(40 times: line 1, line 2, line 3, …)", line);
    }

    [Fact]
    public void Convert_writes_a_set_the_readers_open_and_names_what_was_left_out()
    {
        var output = new StringWriter();
        int rc = DataCommand.Convert(new DatasetSpec(Path.Combine(_dir, "train.csv")), DatasetFormat.Voc, Path.Combine(_dir, "voc"),
            new RetinaSharp.Data.Conversion.ConversionOptions(), output, TextWriter.Null);
        var text = output.ToString();
        Assert.Equal(1, rc); // missing.png is not in the output, and the exit code says so
        Assert.Contains("missing.png does not exist", text);
        Assert.Contains("2 images, 3 boxes, 0 ignore regions; 2 images copied", text);
        var voc = DatasetFactory.Open(new DatasetSpec(Path.Combine(_dir, "voc")) { Classes = Path.Combine(_dir, "voc", "classes.txt") });
        Assert.Equal(2, voc.Count);
        Assert.Equal(0, voc.Report.ErrorCount);
    }
}
