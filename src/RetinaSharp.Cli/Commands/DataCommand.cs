using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RetinaSharp.Data;
using RetinaSharp.Evaluation;

namespace RetinaSharp.Cli.Commands;

internal static class DataCommand
{
    /// <summary>Problems printed in full before the rest are only counted.</summary>
    private const int ProblemsShown = 50;

    public static Command Create()
    {
        var command = new Command("data", "Inspect a data set.");
        command.Subcommands.Add(CreateCheck());
        return command;
    }

    private static Command CreateCheck()
    {
        var dataset = new Argument<string>("dataset") { Description = "COCO instances .json, keras-retinanet .csv, or a Pascal VOC folder." };
        var images = new Option<string>("--images") { Description = "COCO: the image folder (default: the JSON file's folder)." };
        var classes = new Option<string>("--classes") { Description = "CSV: the class,id file (default: classes.csv beside it). VOC: class names, one per line." };
        var split = new Option<string>("--split") { Description = "VOC: the split in ImageSets/Main (default: trainval)." };
        var noDecode = new Option<bool>("--no-decode") { Description = "Check files exist but do not decode every image." };
        var recipe = new Option<string?>("--recipe") { Description = "Also print anchor coverage at this training recipe's input size (tiny, small, medium, r50, …)." };
        var anchors = new Option<string?>("--anchors") { Description = "auto: fit anchor sizes and ratios to the boxes and print coverage before and after (needs --recipe)." };
        var command = new Command("check", "Read a data set, decode every image, and print a summary and the problems found.");
        command.Arguments.Add(dataset);
        command.Options.Add(images);
        command.Options.Add(classes);
        command.Options.Add(split);
        command.Options.Add(noDecode);
        command.Options.Add(recipe);
        command.Options.Add(anchors);
        command.SetAction(pr =>
        {
            var spec = new DatasetSpec(pr.GetValue(dataset)!)
            {
                Images = pr.GetValue(images),
                Classes = pr.GetValue(classes),
                Split = pr.GetValue(split),
            };
            return Check(spec, decode: !pr.GetValue(noDecode), Console.Out, Console.Error, pr.GetValue(recipe), pr.GetValue(anchors) == "auto");
        });
        return command;
    }

    /// <summary>Exit code 0 when no errors were found, 1 when some were, 2 when the data set cannot be opened at all.</summary>
    internal static int Check(DatasetSpec spec, bool decode, TextWriter output, TextWriter progressOutput, string? recipe = null, bool fitAnchors = false)
    {
        IDetectionDataset ds;
        try
        {
            ds = DatasetFactory.Open(spec, DatasetOptions.Default with { Policy = BadSamplePolicy.Skip });
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            progressOutput.WriteLine($"retina data check: {e.Message}");
            return 2;
        }

        if (decode && ds.Count > 0)
        {
            var clock = Stopwatch.StartNew();
            var gate = new object();
            long lastReport = 0;
            int lastDone = 0;
            var progress = new SynchronousProgress(done =>
            {
                lock (gate)
                {
                    long now = clock.ElapsedMilliseconds;
                    if (done <= lastDone || (done != ds.Count && now - lastReport < 2000)) return;
                    lastReport = now;
                    lastDone = done;
                    progressOutput.WriteLine($"decoded {done}/{ds.Count} images ({now / 1000.0:F1} s)");
                }
            });
            ImageVerifier.VerifyAll(ds, progress);
        }

        Print(ds, DatasetStatistics.Compute(ds), output);
        if (recipe != null)
        {
            var config = Training.TrainingRecipes.ForDataset(recipe, ds).Model;
            PrintCoverage(config, AnchorCoverage.Compute(ds, config), $"anchor coverage at {recipe}'s input size", output);
            if (fitAnchors)
            {
                var fitted = AnchorCoverage.Fit(ds, config);
                PrintCoverage(fitted, AnchorCoverage.Compute(ds, fitted), "anchor coverage with anchors fitted to the boxes (retina train --anchors auto)", output);
            }
        }
        return ds.Report.ErrorCount > 0 ? 1 : 0;
    }

    private static void Print(IDetectionDataset ds, DatasetStatistics s, TextWriter o)
    {
        var ci = CultureInfo.InvariantCulture;
        o.WriteLine($"data set: {ds.Source}");
        o.WriteLine($"images: {s.Images} ({s.ImagesWithoutBoxes} without boxes)");
        o.WriteLine($"boxes: {s.Boxes}; ignore regions: {s.IgnoreRegions}");
        o.WriteLine($"classes: {ds.Classes.Count}");
        int nameWidth = 5;
        foreach (var c in ds.Classes) nameWidth = Math.Max(nameWidth, c.Name.Length);
        o.WriteLine($"  {"label",5}  {"id",6}  {"name".PadRight(nameWidth)}  {"boxes",8}  {"ignore",7}");
        for (int i = 0; i < ds.Classes.Count; i++)
            o.WriteLine($"  {i,5}  {ds.Classes[i].CategoryId,6}  {ds.Classes[i].Name.PadRight(nameWidth)}  {s.BoxesPerClass[i],8}  {s.IgnoreRegionsPerClass[i],7}");
        o.WriteLine("box sizes (sqrt of area, pixels):");
        var edges = DatasetStatistics.SizeBinEdges;
        for (int i = 0; i <= edges.Count; i++)
        {
            string label = i == 0 ? $"< {edges[0]}" : i == edges.Count ? $">= {edges[^1]}" : $"{edges[i - 1]}-{edges[i]}";
            o.WriteLine($"  {label,9}  {s.SizeHistogram[i],8}");
        }
        if (s.Boxes > 0)
            o.WriteLine(string.Format(ci, "box aspect ratio (h/w): {0:G4} to {1:G4}", s.MinAspectRatio, s.MaxAspectRatio));
        if (s.MaxWidth > 0)
            o.WriteLine($"image width: {s.MinWidth} to {s.MaxWidth}; height: {s.MinHeight} to {s.MaxHeight}");
        if (s.ImagesOfUnknownSize > 0)
            o.WriteLine($"images of unknown size: {s.ImagesOfUnknownSize}");

        var report = ds.Report;
        o.WriteLine($"problems: {report.Summary()}");
        var problems = report.Problems;
        for (int i = 0; i < problems.Count && i < ProblemsShown; i++)
            o.WriteLine($"  {(problems[i].Severity == ProblemSeverity.Error ? "error" : "warning")}: {problems[i]}");
        if (problems.Count > ProblemsShown) o.WriteLine($"  ... and {problems.Count - ProblemsShown} more");
    }

    private static void PrintCoverage(Models.RetinaNetConfig config, IReadOnlyList<AnchorCoverageBucket> buckets, string title, TextWriter o)
    {
        var ci = CultureInfo.InvariantCulture;
        o.WriteLine(string.Format(ci, "{0} ({1} px, max {2}; anchors {3}, ratios {4}):", title, config.MinSize, config.MaxSize,
            string.Join("/", config.AnchorSizes), string.Join("/", config.AspectRatios.Select(r => r.ToString("G3", ci)))));
        o.WriteLine(string.Format(ci, "  {0,9}  {1,7}  {2,12}  {3,12}  {4,12}", "box size", "boxes", $"IoU>={config.ForegroundIou}", $"[{config.BackgroundIou},{config.ForegroundIou})", $"<{config.BackgroundIou}"));
        foreach (var b in buckets)
        {
            if (b.Boxes == 0) continue;
            string range = double.IsPositiveInfinity(b.MaxSize) ? $">= {b.MinSize}" : b.MinSize == 0 ? $"< {b.MaxSize}" : $"{b.MinSize}-{b.MaxSize}";
            o.WriteLine(string.Format(ci, "  {0,9}  {1,7}  {2,11:P1}  {3,12:P1}  {4,12:P1}", range, b.Boxes, (double)b.Positive / b.Boxes, (double)b.Between / b.Boxes, (double)b.Below / b.Boxes));
        }
        o.WriteLine(string.Format(ci, "  boxes with a positive anchor: {0:P1}", AnchorCoverage.PositiveShare(buckets)));
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and lose the order).</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
