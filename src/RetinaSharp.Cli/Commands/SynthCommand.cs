using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RetinaSharp.Data.Synthetic;

namespace RetinaSharp.Cli.Commands;

internal static class SynthCommand
{
    public static Command Create()
    {
        var outOption = new Option<string>("--out", "-o") { Description = "Folder to write train/, val/, train.json, val.json and synth.json into.", Required = true };
        var trainOption = new Option<int>("--train") { Description = "Number of training images.", DefaultValueFactory = _ => 2000 };
        var valOption = new Option<int>("--val") { Description = "Number of validation images (0 for none).", DefaultValueFactory = _ => 200 };
        var seedOption = new Option<ulong>("--seed") { Description = "Random seed; the same seed gives byte-identical files.", DefaultValueFactory = _ => 0UL };
        var difficultyOption = new Option<string>("--difficulty") { Description = "Preset: easy, standard or hard.", DefaultValueFactory = _ => "easy" };
        difficultyOption.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "easy", "standard", "hard");
        var sizeOption = new Option<int>("--size") { Description = "Width and height of the images in pixels.", DefaultValueFactory = _ => 256 };
        var threadsOption = new Option<int>("--threads") { Description = "Worker threads (0 for all cores); the output does not depend on it.", DefaultValueFactory = _ => 0 };

        trainOption.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 10_000_000) r.AddError("--train must be between 1 and 10000000.");
        });
        valOption.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 10_000_000) r.AddError("--val must be between 0 and 10000000.");
        });
        sizeOption.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 64 or > 4096) r.AddError("--size must be between 64 and 4096 pixels.");
        });
        threadsOption.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 1024) r.AddError("--threads must be between 0 (all cores) and 1024.");
        });

        var command = new Command("synth", "Write the synthetic shapes data set (COCO JSON and PNG images).");
        command.Options.Add(outOption);
        command.Options.Add(trainOption);
        command.Options.Add(valOption);
        command.Options.Add(seedOption);
        command.Options.Add(difficultyOption);
        command.Options.Add(sizeOption);
        command.Options.Add(threadsOption);
        command.SetAction(pr =>
        {
            string outDir = pr.GetValue(outOption)!;
            var difficulty = Enum.Parse<SyntheticDifficulty>(pr.GetValue(difficultyOption)!, ignoreCase: true);
            int threads = pr.GetValue(threadsOption);
            var options = new SyntheticOptions
            {
                Settings = SyntheticSettings.ForDifficulty(difficulty, pr.GetValue(sizeOption)),
                Seed = pr.GetValue(seedOption),
                TrainImages = pr.GetValue(trainOption),
                ValImages = pr.GetValue(valOption),
                MaxDegreeOfParallelism = threads == 0 ? -1 : threads,
            };
            var output = pr.InvocationConfiguration.Output;
            var error = pr.InvocationConfiguration.Error;
            bool progress = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
            return Run(options, outDir, difficulty, output, error, progress);
        });
        return command;
    }

    private static int Run(SyntheticOptions options, string outDir, SyntheticDifficulty difficulty, TextWriter output, TextWriter error, bool showProgress)
    {
        if (File.Exists(outDir))
        {
            error.WriteLine($"retina synth: --out {outDir} is a file, not a folder.");
            return 1;
        }
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"retina synth: {e.Message}");
            return 1;
        }

        int total = options.TrainImages + options.ValImages;
        output.WriteLine($"Writing {options.TrainImages} train + {options.ValImages} val {difficulty.ToString().ToLowerInvariant()} images of {options.Settings.ImageSize} px (seed {options.Seed}) to {Path.GetFullPath(outDir)}");
        SyntheticDatasetSummary summary;
        try
        {
            summary = SyntheticDataset.Generate(options, outDir, showProgress ? ProgressPrinter(total, error) : null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (showProgress) error.WriteLine();
            error.WriteLine($"retina synth: cannot write to {outDir}: {e.Message}");
            return 1;
        }
        if (showProgress) error.Write("\r" + new string(' ', 40) + "\r");
        Print(summary, total, output);
        return 0;
    }

    /// <summary>A progress line on the terminal, redrawn at most ten times a second.</summary>
    private static IProgress<int> ProgressPrinter(int total, TextWriter error)
    {
        var gate = new object();
        var clock = Stopwatch.StartNew();
        long last = -1000;
        return new InlineProgress(done =>
        {
            lock (gate)
            {
                if (done != total && clock.ElapsedMilliseconds - last < 100) return;
                last = clock.ElapsedMilliseconds;
                error.Write($"\r  {done}/{total} images");
            }
        });
    }

    private static void Print(SyntheticDatasetSummary s, int total, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"{"class",-10} {"train",8} {"val",8}");
        for (int k = 0; k < s.CategoryNames.Count; k++)
            output.WriteLine(string.Format(inv, "{0,-10} {1,8} {2,8}", $"{k + 1} {s.CategoryNames[k]}", s.Train.ObjectsPerCategory[k], s.Val.ObjectsPerCategory[k]));
        output.WriteLine(string.Format(inv, "{0,-10} {1,8} {2,8}", "objects", s.Train.Objects, s.Val.Objects));
        output.WriteLine(string.Format(inv, "{0,-10} {1,8} {2,8}", "images", s.Train.Images, s.Val.Images));
        output.WriteLine(string.Format(inv, "{0,-10} {1,8} {2,8}", "empty", s.Train.EmptyImages, s.Val.EmptyImages));
        output.WriteLine(string.Format(inv, "{0,-10} {1,8} {2,8}", "occluded", s.Train.Occluded, s.Val.Occluded));
        output.WriteLine(string.Format(inv, "small/medium/large (train): {0}/{1}/{2}", s.Train.Small, s.Train.Medium, s.Train.Large));
        double seconds = s.Elapsed.TotalSeconds;
        output.WriteLine(string.Format(inv, "{0} images in {1:F1} s ({2:F0} images/s)", total, seconds, total / Math.Max(seconds, 1e-9)));
    }

    /// <summary>Calls the handler on the reporting thread (Progress&lt;T&gt; would post to the thread pool and could print out of order).</summary>
    private sealed class InlineProgress(Action<int> handler) : IProgress<int>
    {
        public void Report(int value) => handler(value);
    }
}
