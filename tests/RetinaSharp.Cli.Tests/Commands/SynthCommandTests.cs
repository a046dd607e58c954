using System.CommandLine;
using RetinaSharp.Cli.Commands;
using RetinaSharp.Data.Coco;
using Xunit;

namespace RetinaSharp.Cli.Tests.Commands;

public sealed class SynthCommandTests
{
    private static (int Code, string Output, string Error) Invoke(params string[] args)
    {
        var root = new RootCommand { SynthCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        int code = root.Parse(["synth", .. args]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void WritesTheDataSetAndASummary()
    {
        string dir = Path.Combine(Path.GetTempPath(), "retinasharp-synth-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, error) = Invoke("--out", dir, "--train", "6", "--val", "2", "--seed", "5", "--difficulty", "Hard", "--size", "96", "--threads", "2");
            Assert.True(code == 0, error);
            var train = CocoFile.Load(Path.Combine(dir, "train.json"));
            var val = CocoFile.Load(Path.Combine(dir, "val.json"));
            Assert.Equal(6, train.Images.Count);
            Assert.Equal(2, val.Images.Count);
            Assert.All(train.Images, i => Assert.True(File.Exists(Path.Combine(dir, "train", i.FileName))));
            Assert.All(val.Images, i => Assert.True(File.Exists(Path.Combine(dir, "val", i.FileName))));
            Assert.Contains("\"preset\": \"hard\"", File.ReadAllText(Path.Combine(dir, "synth.json")));
            // The summary counts what the files hold.
            Assert.Contains($"objects   {train.Annotations.Count,9} {val.Annotations.Count,8}", output);
            Assert.Contains("8 images in", output);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("--size", "16", "--size must be between 64 and 4096")]
    [InlineData("--train", "0", "--train must be between 1")]
    [InlineData("--val", "-3", "--val must be between 0")]
    [InlineData("--difficulty", "extreme", "extreme")]
    [InlineData("--seed", "-1", "-1")]
    public void RefusesBadArguments(string option, string value, string message)
    {
        string dir = Path.Combine(Path.GetTempPath(), "retinasharp-synth-cli-" + Guid.NewGuid().ToString("N"));
        var (code, _, error) = Invoke("--out", dir, option, value);
        Assert.NotEqual(0, code);
        Assert.Contains(message, error);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void RequiresAnOutputFolder()
    {
        var (code, _, error) = Invoke("--train", "3");
        Assert.NotEqual(0, code);
        Assert.Contains("--out", error);
    }
}
