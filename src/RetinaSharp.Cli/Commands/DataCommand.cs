using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RetinaSharp.Data;
using RetinaSharp.Evaluation;

namespace RetinaSharp.Cli.Commands;

internal static class DataCommand
{
    /// <summary>Problem groups printed in full before the rest are only counted.</summary>
    private const int ProblemsShown = 50;

    public static Command Create()
    {
        var command = new Command("data", "Inspect a data set.");
        command.Subcommands.Add(CreateCheck());
        command.Subcommands.Add(CreateConvert());
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

    private static Command CreateConvert()
    {
        var dataset = new Argument<string>("dataset") { Description = "COCO instances .json, keras-retinanet .csv, or a Pascal VOC folder." };
        var to = new Option<string>("--to") { Description = "Target format: coco, voc or csv.", Required = true };
        to.AcceptOnlyFromAmong("coco", "voc", "csv");
        var output = new Option<string>("--output", "-o") { Description = "COCO: a .json file; CSV: a .csv file (classes.csv is written beside it); VOC: a folder.", Required = true };
        var images = new Option<string>("--images") { Description = "COCO source: the image folder (default: the JSON file's folder)." };
        var classes = new Option<string>("--classes") { Description = "CSV source: the class,id file (default: classes.csv beside it). VOC source: class names, one per line." };
        var split = new Option<string>("--split") { Description = "VOC source: the split in ImageSets/Main (default: trainval; 'all' for every image of a folder without ImageSets)." };
        var noCopy = new Option<bool>("--no-copy") { Description = "Refer to the images where they are instead of copying them beside the output (readers then need the images inside the output's folder, or paths are refused)." };
        var command = new Command("convert", "Write a data set in another format (COCO JSON, Pascal VOC folder, keras-retinanet CSV), images copied beside it.");
        command.Arguments.Add(dataset);
        command.Options.Add(to);
        command.Options.Add(output);
        command.Options.Add(images);
        command.Options.Add(classes);
        command.Options.Add(split);
        command.Options.Add(noCopy);
        command.SetAction(pr =>
        {
            var spec = new DatasetSpec(pr.GetValue(dataset)!) { Images = pr.GetValue(images), Classes = pr.GetValue(classes), Split = pr.GetValue(split) };
            var format = pr.GetValue(to) switch { "coco" => DatasetFormat.Coco, "voc" => DatasetFormat.Voc, _ => DatasetFormat.Csv };
            return Convert(spec, format, pr.GetValue(output)!, new Data.Conversion.ConversionOptions { CopyImages = !pr.GetValue(noCopy) }, Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>Exit code 0 when everything was converted, 1 when the source had errors (those items are not in the output), 2 when nothing was written.</summary>
    internal static int Convert(DatasetSpec spec, DatasetFormat format, string output, Data.Conversion.ConversionOptions options, TextWriter o, TextWriter errors)
    {
        IDetectionDataset ds;
        try
        {
            ds = DatasetFactory.Open(spec, DatasetOptions.Default with { Policy = BadSamplePolicy.Skip });
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            errors.WriteLine($"retina data convert: {e.Message}");
            return 2;
        }
        Data.Conversion.ConversionResult result;
        try
        {
            result = Data.Conversion.DatasetConverter.Convert(ds, format, output, options);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            errors.WriteLine($"retina data convert: {e.Message}");
            return 2;
        }
        var report = ds.Report;
        o.WriteLine($"read {ds.Source}: {ds.Count} images, {ds.Classes.Count} classes; problems: {report.Summary()}");
        var groups = report.Grouped();
        for (int i = 0; i < groups.Count && i < ProblemsShown; i++)
            o.WriteLine($"  {(groups[i].First.Severity == ProblemSeverity.Error ? "error" : "warning")}: {groups[i]}");
        o.WriteLine($"wrote {format.ToString().ToUpperInvariant()} to {output}: {result.Images} images, {result.Boxes} boxes, {result.IgnoreRegions} ignore regions"
            + (options.CopyImages ? $"; {result.ImagesCopied} images copied" : ""));
        if (result.IgnoreRegionsDropped > 0)
            o.WriteLine($"  {result.IgnoreRegionsDropped} ignore regions (crowd or difficult objects) left out: CSV cannot hold them");
        if (format == DatasetFormat.Voc)
            o.WriteLine($"  open it with --classes {Path.Combine(output, "classes.txt")} (without it the VOC reader expects the 20 Pascal classes)");
        return report.ErrorCount > 0 ? 1 : 0;
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
        // The same mistake on every row is one line with a count, not one line per row.
        var groups = report.Grouped();
        for (int i = 0; i < groups.Count && i < ProblemsShown; i++)
            o.WriteLine($"  {(groups[i].First.Severity == ProblemSeverity.Error ? "error" : "warning")}: {groups[i]}");
        if (groups.Count > ProblemsShown)
        {
            int rest = 0;
            for (int i = ProblemsShown; i < groups.Count; i++) rest += groups[i].Count;
            o.WriteLine($"  ... and {rest} more");
        }
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
