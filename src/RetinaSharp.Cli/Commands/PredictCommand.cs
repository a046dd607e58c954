using System.CommandLine;
using RetinaSharp.Data.Coco;
using RetinaSharp.Imaging;
using RetinaSharp.Structures;
using RetinaSharp.Visualization;

namespace RetinaSharp.Cli.Commands;

internal static class PredictCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "A RetinaSharp checkpoint, a torchvision RetinaNet state dict (.pth / .safetensors), or a published name: retinanet_resnet50_fpn_coco, retinanet_resnet50_fpn_v2_coco (retina weights list).", Required = true };
        var input = new Option<string>("--input") { Description = "An image file or a folder of PNG/JPEG images.", Required = true };
        var output = new Option<string>("--output") { Description = "COCO results JSON to write.", DefaultValueFactory = _ => "results.json" };
        var draw = new Option<string?>("--draw") { Description = "Also write PNGs with labelled boxes to this folder." };
        var drawScore = new Option<float>("--draw-score") { Description = "Smallest score drawn with --draw.", DefaultValueFactory = _ => 0.3f };
        var scoreThresh = new Option<float?>("--score-thresh") { Description = "Minimum score (default from the weights, 0.05 for torchvision)." };
        var maxDets = new Option<int?>("--max-detections") { Description = "Detections kept per image (default from the weights, 300 for torchvision)." };
        var minSize = new Option<int?>("--min-size") { Description = "Shorter side after resizing (default from the weights, 800 for torchvision)." };
        var maxSize = new Option<int?>("--max-size") { Description = "Longer side limit (default from the weights, 1333 for torchvision)." };
        var imagesJson = new Option<string?>("--images-json") { Description = "A COCO JSON whose images give the image_id of each file name." };
        var labels = new Option<string?>("--labels") { Description = "A text file with one class name per line; their line numbers (from 1) become category ids." };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass (results do not depend on it).", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("predict", "Run a trained detector on images and write COCO-format results.")
            { weights, input, output, draw, drawScore, scoreThresh, maxDets, minSize, maxSize, imagesJson, labels, batch, threads };
        command.SetAction(pr => CliErrors.Run("predict", () =>
        {
            Tensors.Kernels.KernelThreads.MaxThreads = pr.GetValue(threads);
            var path = pr.GetValue(input)!;
            var files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path).Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList()
                : File.Exists(path) ? [path] : throw new FileNotFoundException($"{path}: no such image or folder.");
            string[]? names = pr.GetValue(labels) is string lf ? File.ReadAllLines(lf) : null;
            using var detector = RetinaNetDetector.Load(pr.GetValue(weights)!, c => c with
            {
                MinSize = pr.GetValue(minSize) ?? c.MinSize,
                MaxSize = pr.GetValue(maxSize) ?? c.MaxSize,
            }, names, names?.Select((_, i) => (long)i + 1).ToArray());
            detector.Inference = detector.Inference with
            {
                ScoreThreshold = pr.GetValue(scoreThresh) ?? detector.Inference.ScoreThreshold,
                DetectionsPerImage = pr.GetValue(maxDets) ?? detector.Inference.DetectionsPerImage,
            };
            detector.MaxBatchSize = Math.Max(1, pr.GetValue(batch));
            var ids = CocoImageIds.For(files, pr.GetValue(imagesJson) is string ij ? CocoFile.Load(ij) : null, pr.GetValue(imagesJson));
            string? drawDir = pr.GetValue(draw);
            if (drawDir != null) Directory.CreateDirectory(drawDir);
            var all = new List<ImageDetections>(files.Count);
            var progress = new LineProgress(Console.Error, files.Count, "images");
            for (int start = 0; start < files.Count; start += detector.MaxBatchSize)
            {
                int n = Math.Min(detector.MaxBatchSize, files.Count - start);
                var images = new RgbImage[n];
                for (int k = 0; k < n; k++) images[k] = ImageFile.Load(files[start + k]);
                var found = detector.Detect(images, ids.AsSpan(start, n).ToArray());
                all.AddRange(found);
                if (drawDir != null)
                    for (int k = 0; k < n; k++)
                    {
                        DetectionDrawing.DrawDetections(images[k], found[k].Detections, detector.ClassName, pr.GetValue(drawScore));
                        ImageFile.SavePng(Path.Combine(drawDir, Path.GetFileNameWithoutExtension(files[start + k]) + ".png"), images[k]);
                    }
                progress.Report(start + n);
            }
            progress.Finish();
            var nameById = new Dictionary<long, string>();
            for (int i = 0; i < files.Count; i++) nameById.TryAdd(ids[i], Path.GetFileName(files[i]));
            var results = CocoResultsWriter.ToResults(all, detector.CategoryIdOf, id => nameById.GetValueOrDefault(id));
            CocoResult.SaveList(pr.GetValue(output)!, results);
            Console.WriteLine($"{results.Count} detections in {files.Count} images written to {pr.GetValue(output)}.");
            return 0;
        }));
        return command;
    }
}
