using System.Globalization;
using System.Text;
using System.Text.Json;
using RetinaSharp.Data.Coco;
using RetinaSharp.Evaluation;
using RetinaSharp.Reporting;
using RetinaSharp.Training;

namespace RetinaSharp.Cli.Commands;

/// <summary>What the loss-cdf study measured (saved so it re-plots without the model).</summary>
internal sealed record LossCdfResult(string Checkpoint, int Images, int Positives, long Negatives, LossCdf[] PositiveCurves, LossCdf[] NegativeCurves);

/// <summary>
/// The paper's Figure 4 on the synthetic set: the trained focal-loss model is run over the validation
/// images and the normalised loss CDF of positive and negative samples is computed for several γ.
/// </summary>
internal static class LossCdfStudy
{
    private static string DataPath(string root) => Path.Combine(root, "loss-cdf.json");

    public static void Measure(string root, string resultPath, CocoDetectionDataset images, int count)
    {
        if (File.Exists(DataPath(root))) { Console.WriteLine("loss distributions: measured earlier, kept"); return; }
        var run = JsonSerializer.Deserialize<AblationResult>(File.ReadAllText(resultPath))
            ?? throw new InvalidDataException($"{resultPath}: not an ablation result.");
        if (run.Diverged || run.RunDirectory == null)
            throw new InvalidOperationException($"{resultPath}: the focal-loss run has no usable checkpoint.");
        var checkpoint = Path.Combine(run.RunDirectory, "last.safetensors");
        Console.WriteLine($"loss distributions: running {checkpoint} over {count} images");
        using var detector = RetinaNetDetector.Load(checkpoint);
        var (pos, neg) = FocalLossDistribution.CollectProbabilities(detector.Model, images, count);
        var result = new LossCdfResult(checkpoint, count, pos.Length, neg.Length,
            [.. AblationStudies.CdfGammas.Select(g => FocalLossDistribution.Cdf(pos, g))],
            [.. AblationStudies.CdfGammas.Select(g => FocalLossDistribution.Cdf(neg, g))]);
        AtomicFile.WriteAllText(DataPath(root), JsonSerializer.Serialize(result));
    }

    public static void WriteReport(string root)
    {
        if (!File.Exists(DataPath(root))) throw new FileNotFoundException($"{DataPath(root)}: nothing measured yet; run the study without --replot first.");
        var r = JsonSerializer.Deserialize<LossCdfResult>(File.ReadAllText(DataPath(root)))
            ?? throw new InvalidDataException($"{DataPath(root)}: not a loss-cdf result.");
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"{r.Positives:N0} positive and {r.Negatives:N0} negative samples from {r.Images} images. Share of the total loss carried by the hardest samples:");
        md.AppendLine();
        md.AppendLine("| γ | positives: hardest 1 % | 10 % | 20 % | negatives: hardest 1 % | 10 % | 20 % |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int i = 0; i < r.PositiveCurves.Length; i++)
        {
            var p = r.PositiveCurves[i].HardestShares;
            var n = r.NegativeCurves[i].HardestShares;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.PositiveCurves[i].Gamma:0.##} | {p[0]:P1} | {p[1]:P1} | {p[2]:P1} | {n[0]:P1} | {n[1]:P1} | {n[2]:P1} |");
        }
        AtomicFile.WriteAllText(Path.Combine(root, "results.md"), md.ToString());
        foreach (var (set, curves) in new[] { ("positive", r.PositiveCurves), ("negative", r.NegativeCurves) })
        {
            var chart = new SvgLineChart($"Cumulative normalised loss, {set} samples", "fraction of samples (easiest first)", "cumulative normalised loss");
            foreach (var c in curves) chart.Add($"γ = {c.Gamma:0.##}", c.SampleFraction, c.CumulativeLoss);
            AtomicFile.WriteAllText(Path.Combine(root, $"loss-cdf-{set}.svg"), chart.Render());
        }
    }
}
