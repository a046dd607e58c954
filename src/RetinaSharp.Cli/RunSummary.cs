using System.Globalization;
using RetinaSharp.Data;
using RetinaSharp.Training;

namespace RetinaSharp.Cli;

/// <summary>What a training run is about to do, printed before its first step.</summary>
internal static class RunSummary
{
    public static void Print(TextWriter o, IDetectionDataset train, IDetectionDataset? val, TrainingOptions options, string outputDirectory)
    {
        var stats = DatasetStatistics.Compute(train);
        o.WriteLine($"Training set: {train.Source}: {stats.Images} images ({stats.ImagesWithoutBoxes} without boxes), {stats.Boxes} boxes, {train.Classes.Count} classes");
        for (int i = 0; i < train.Classes.Count; i++)
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {train.Classes[i].Name,-20} {stats.BoxesPerClass[i],7} boxes"));
        if (train.Report.ErrorCount + train.Report.WarningCount > 0) o.WriteLine($"  problems: {train.Report.Summary()} (retina data check lists them)");
        if (val != null) o.WriteLine($"Validation set: {val.Source}: {val.Count} images");
        var m = options.Model;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Recipe: {m.Backbone} width {m.BackboneWidth} ({m.BackboneNorm}, {m.TrainableBackboneLayers} stages trained), FPN {m.FpnChannels}, head depth {m.HeadDepth}, " +
            $"input {string.Join("/", options.TrainMinSizes)} (max {m.MaxSize}), anchors {string.Join("/", m.AnchorSizes)}; {options.Optimizer} lr {options.ResolvedLearningRate:G3}, {options.Schedule}, " +
            $"{options.Iterations} steps of {options.EffectiveBatch} images{(options.TimeBudgetSeconds > 0 ? $", at most {options.TimeBudgetSeconds:F0} s" : "")}"));
        o.WriteLine($"Output: {Path.GetFullPath(outputDirectory)} (config.json, metrics.jsonl, last.safetensors{(val != null ? ", best.safetensors, results.csv, report/report.html" : "")})");
    }
}
