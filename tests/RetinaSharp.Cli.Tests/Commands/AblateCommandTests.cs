using System.CommandLine;
using System.Text.Json;
using RetinaSharp.Cli.Commands;
using Xunit;

namespace RetinaSharp.Cli.Tests.Commands;

public sealed class AblateCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"rs-ablate-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Studies_define_the_papers_settings()
    {
        Assert.Equal([0.25, 0.5, 0.75, 0.9, 0.99, 0.999], AblateCommand.Study("alpha-ce")!.Select(r => Math.Round(r.X, 3)));
        Assert.Equal([0, 0.1, 0.2, 0.5, 1, 2, 5], AblateCommand.Study("gamma")!.Select(r => Math.Round(r.X, 3)));
        var baseline = DemoCommand.Recipe(8, quick: true, seed: 0);
        var oneAnchor = AblateCommand.Study("anchors")![0].Apply(baseline);
        Assert.Equal(1, oneAnchor.Model.AnchorsPerLocation);
        var noPrior = AblateCommand.Study("prior")!.Single(r => r.Name == "FL, no prior").Apply(baseline);
        Assert.Equal(0f, noPrior.Model.PriorProbability);
        Assert.Null(AblateCommand.Study("ohem"));
    }

    [Fact]
    public void Replot_rebuilds_the_table_from_saved_results_without_training()
    {
        var runs = AblateCommand.Study("anchors")!;
        for (int i = 0; i < 2; i++)
        {
            var dir = Path.Combine(_dir, "anchors", "runs", new string(runs[i].Name.Select(c => char.IsLetterOrDigit(c) || c == '.' ? c : '_').ToArray()));
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "result.json"), JsonSerializer.Serialize(
                new AblationResult(runs[i].Name, runs[i].X, 0.1 * (i + 1), 0.2, 0.05, 60, 100 + i, Diverged: i == 1, FinalLoss: 0.5)));
        }
        var root = new RootCommand { AblateCommand.Create() };
        Assert.Equal(0, root.Parse(["ablate", "--study", "anchors", "--out", _dir, "--replot"]).Invoke());
        var table = File.ReadAllLines(Path.Combine(_dir, "anchors", "results.md"));
        Assert.Equal(4, table.Length);
        Assert.Contains("| 1 scale, 1 ratio | 0.100 |", table[2]);
        Assert.EndsWith("| yes |", table[3]);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(_dir, "anchors", "results.svg")));
    }
}
