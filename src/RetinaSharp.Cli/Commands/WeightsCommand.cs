using System.CommandLine;
using System.Globalization;
using RetinaSharp.Checkpoints;

namespace RetinaSharp.Cli.Commands;

/// <summary>
/// retina weights list / download: torchvision's published weights in torch hub's cache, the same
/// files that --weights and --backbone-weights find by name.
/// </summary>
internal static class WeightsCommand
{
    public static Command Create()
    {
        var command = new Command("weights", "Pretrained torchvision weights in torch hub's cache ($TORCH_HOME/hub/checkpoints, default ~/.cache/torch/hub/checkpoints).");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateDownload());
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List the published weights by name, with their file names and whether the cache has them.");
        command.SetAction(_ => CliErrors.Run("weights list", () => List(new WeightsDownloader(), Console.Out)));
        return command;
    }

    private static Command CreateDownload()
    {
        var names = new Argument<string[]>("names") { Description = "Weights names, e.g. resnet50, resnet50.IMAGENET1K_V1, retinanet_resnet50_fpn_coco.", Arity = ArgumentArity.OneOrMore };
        var baseUrl = new Option<string?>("--base-url") { Description = $"Fetch from this URL (the file name is appended) instead of download.pytorch.org; default ${WeightsDownloader.BaseUrlVariable}." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for a connection or the next bytes before giving up.", DefaultValueFactory = _ => 30 };
        timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 3600) r.AddError("--timeout must be between 1 and 3600 seconds.");
        });
        var command = new Command("download", "Download weights into the cache; files already there are kept as they are.") { names, baseUrl, timeout };
        command.SetAction(pr => CliErrors.Run("weights download", () =>
        {
            var defaults = new WeightsDownloader();
            var downloader = new WeightsDownloader
            {
                BaseUrl = pr.GetValue(baseUrl) ?? defaults.BaseUrl,
                Timeout = TimeSpan.FromSeconds(pr.GetValue(timeout)),
                Progress = DownloadProgressWriter.ForStandardError(),
            };
            return Download(pr.GetValue(names)!, downloader, Console.Out, Console.Error);
        }));
        return command;
    }

    internal static int List(WeightsDownloader downloader, TextWriter output)
    {
        output.WriteLine($"Cache: {downloader.Directory}");
        var rows = new List<string[]> { new[] { "name", "short name", "file", "cached", "size" } };
        foreach (var w in PretrainedWeights.All)
        {
            var path = downloader.PathOf(w);
            bool cached = File.Exists(path);
            rows.Add([w.Name, w.IsDefault ? w.Stem : "", w.FileName, cached ? "yes" : "no", cached ? Size(new FileInfo(path).Length) : "-"]);
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
            output.WriteLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        return 0;
    }

    /// <summary>Downloads each name the cache lacks; every name is checked before anything is fetched.</summary>
    internal static int Download(IReadOnlyList<string> names, WeightsDownloader downloader, TextWriter output, TextWriter errors)
    {
        var wanted = new List<PretrainedWeights>();
        foreach (var name in names)
        {
            if (PretrainedWeights.Find(name) is { } w)
            {
                if (!wanted.Contains(w)) wanted.Add(w);
                continue;
            }
            errors.WriteLine($"retina weights download: {name} is not a published weights name; retina weights list shows them.");
            return 1;
        }
        foreach (var w in wanted)
        {
            if (downloader.IsCached(w))
            {
                output.WriteLine($"{w.Name}: already in the cache: {downloader.PathOf(w)}");
                continue;
            }
            var path = downloader.Download(w);
            output.WriteLine($"{w.Name}: {path} ({Size(new FileInfo(path).Length)})");
        }
        return 0;
    }

    private static string Size(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB");
}
