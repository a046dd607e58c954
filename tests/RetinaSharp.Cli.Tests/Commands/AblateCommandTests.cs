using System.CommandLine;
using System.Text.Json;
using RetinaSharp.Cli.Commands;
using RetinaSharp.Training;
using RetinaSharp.Losses;
using RetinaSharp.Models;
using Xunit;
using RetinaSharp.Testing;

namespace RetinaSharp.Cli.Tests.Commands;

public sealed class AblateCommandTests : IDisposable
{
    private readonly TempDir _temp = new();

    private string _dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Studies_define_the_papers_settings()
    {
        Assert.Equal([0.25, 0.5, 0.75, 0.9, 0.99, 0.999], AblationStudies.Runs("alpha-ce")!.Select(r => Math.Round(r.X, 3)));
        Assert.Equal([0, 0.1, 0.2, 0.5, 1, 2, 5], AblationStudies.Runs("gamma")!.Select(r => Math.Round(r.X, 3)));
        var baseline = TrainingRecipes.Demo(8, quick: true, seed: 0);
        var oneAnchor = AblationStudies.Runs("anchors")![0].Apply(baseline);
        Assert.Equal(1, oneAnchor.Model.AnchorsPerLocation);
        var noPrior = AblationStudies.Runs("prior")!.Single(r => r.Name == "FL, no prior").Apply(baseline);
        Assert.Equal(0f, noPrior.Model.PriorProbability);

        var ohem = AblationStudies.Runs("ohem")!.Select(r => r.Apply(baseline).Model).ToList();
        Assert.Equal([128, 128, 256, 256], ohem.Take(4).Select(m => m.OhemBatchSize));
        Assert.Equal([0f, 0.25f, 0f, 0.25f], ohem.Take(4).Select(m => m.OhemForegroundFraction));
        Assert.All(ohem.Take(4), m => Assert.Equal((ClassificationLossKind.Ohem, 0f, 0.5f), (m.ClassificationLoss, m.FocalGamma, m.OhemNmsThreshold)));
        Assert.Equal(baseline.Model, ohem[4]);
        var hinge = AblationStudies.Runs("hinge")!.Select(r => r.Apply(baseline).Model).ToList();
        Assert.Equal([0.5f, 0.9f], hinge.Take(2).Select(m => m.HingeThreshold));
        Assert.All(hinge.Take(2), m => Assert.Equal(ClassificationLossKind.Hinge, m.ClassificationLoss));
        // The γ = 2 focal model of Figure 4 is the recipe itself, so it is shared with the γ study.
        var cdfRun = AblationStudies.Runs("loss-cdf")!.Single().Apply(baseline);
        Assert.Equal(AblationStudies.Runs("gamma")!.Single(r => r.X == 2).Apply(baseline).ToJson(), cdfRun.ToJson());
        Assert.Null(AblationStudies.Runs("nonsense"));
    }

    [Fact]
    public void A_run_with_identical_options_in_another_study_is_found_and_a_different_one_is_not()
    {
        var baseline = TrainingRecipes.Demo(8, quick: true, seed: 0);
        var dir = Path.Combine(_dir, "gamma", "runs", "g2");
        Directory.CreateDirectory(dir);
        var saved = new AblationResult("gamma=2", 2, 0.3, 0.5, 0.2, 60, 20, false, 0.4, baseline.ToJson(), dir);
        File.WriteAllText(Path.Combine(dir, "result.json"), JsonSerializer.Serialize(saved));
        Assert.Equal(saved, AblateCommand.FindIdenticalRun(_dir, baseline.ToJson()));
        Assert.Null(AblateCommand.FindIdenticalRun(_dir, (baseline with { Seed = 1 }).ToJson()));
    }

    [Fact]
    public void Only_names_settings_of_the_study_and_replots_just_those()
    {
        var root = new RootCommand { AblateCommand.Create() };
        // An unknown name fails before any data is made or any run starts.
        Assert.NotEqual(0, root.Parse(["ablate", "--study", "gamma", "--out", _dir, "--only", "gamma=3"]).Invoke());
        Assert.False(Directory.Exists(Path.Combine(_dir, "data")));

        var runs = AblationStudies.Runs("gamma")!;
        foreach (var r in runs.Take(3))
        {
            var dir = Path.GetDirectoryName(AblateCommand.ResultPath(Path.Combine(_dir, "gamma"), r))!;
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "result.json"), JsonSerializer.Serialize(new AblationResult(r.Name, r.X, 0.1, 0.2, 0.05, 60, 100, false, 0.5)));
        }
        Assert.Equal(0, root.Parse(["ablate", "--study", "gamma", "--out", _dir, "--replot", "--only", runs[1].Name]).Invoke());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_dir, "gamma", "results.md")).Length);
    }

    [Fact]
    public void Loss_cdf_study_trains_measures_and_replots()
    {
        var root = new RootCommand { AblateCommand.Create() };
        Assert.Equal(0, root.Parse(["ablate", "--study", "loss-cdf", "--out", _dir, "--quick", "--iterations", "4"]).Invoke());
        var data = JsonSerializer.Deserialize<LossCdfResult>(File.ReadAllText(Path.Combine(_dir, "loss-cdf", "loss-cdf.json")))!;
        Assert.Equal(AblationStudies.CdfGammas, data.PositiveCurves.Select(c => c.Gamma));
        Assert.True(data.Positives > 0 && data.Negatives > data.Positives);
        foreach (var c in data.PositiveCurves.Concat(data.NegativeCurves))
        {
            Assert.Equal(0, c.CumulativeLoss[0], 9);
            Assert.Equal(1, c.CumulativeLoss[^1], 6);
            for (int i = 1; i < c.CumulativeLoss.Length; i++) Assert.True(c.CumulativeLoss[i] >= c.CumulativeLoss[i - 1] - 1e-12);
        }
        File.Delete(Path.Combine(_dir, "loss-cdf", "results.md"));
        Assert.Equal(0, root.Parse(["ablate", "--study", "loss-cdf", "--out", _dir, "--replot"]).Invoke());
        Assert.Equal(2 + 2 + AblationStudies.CdfGammas.Length, File.ReadAllLines(Path.Combine(_dir, "loss-cdf", "results.md")).Length);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(_dir, "loss-cdf", "loss-cdf-negative.svg")));
    }

    [Fact]
    public void Replot_rebuilds_the_table_from_saved_results_without_training()
    {
        var runs = AblationStudies.Runs("anchors")!;
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
