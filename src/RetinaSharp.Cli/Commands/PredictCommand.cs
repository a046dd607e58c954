using System.CommandLine;
using RetinaSharp.Data.Coco;
using RetinaSharp.Imaging;
using RetinaSharp.Imaging.Drawing;

namespace RetinaSharp.Cli.Commands;

internal static class PredictCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "A RetinaSharp checkpoint or a torchvision RetinaNet state dict (.pth / .safetensors).", Required = true };
        var input = new Option<string>("--input") { Description = "An image file or a folder of PNG/JPEG images.", Required = true };
        var output = new Option<string>("--output") { Description = "COCO results JSON to write.", DefaultValueFactory = _ => "results.json" };
        var draw = new Option<string?>("--draw") { Description = "Also write PNGs with labelled boxes to this folder." };
        var scoreThresh = new Option<float?>("--score-thresh") { Description = "Minimum score (default 0.05)." };
        var maxDets = new Option<int?>("--max-detections") { Description = "Detections kept per image (default 300)." };
        var minSize = new Option<int?>("--min-size") { Description = "Shorter side after resizing (default from the weights, 800 for torchvision)." };
        var maxSize = new Option<int?>("--max-size") { Description = "Longer side limit (default from the weights, 1333 for torchvision)." };
        var imagesJson = new Option<string?>("--images-json") { Description = "A COCO JSON whose images give the image_id of each file name." };
        var labels = new Option<string?>("--labels") { Description = "A text file with one class name per line; their line numbers (from 1) become category ids." };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("predict", "Run a trained detector on images and write COCO-format results.")
            { weights, input, output, draw, scoreThresh, maxDets, minSize, maxSize, imagesJson, labels, threads };
        command.SetAction(pr => CliErrors.Run("predict", () =>
        {
            Tensors.Kernels.KernelThreads.MaxThreads = pr.GetValue(threads);
            var path = pr.GetValue(input)!;
            var files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path).Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList()
                : File.Exists(path) ? [path] : throw new FileNotFoundException($"{path}: no such image or folder.");
            using var detector = RetinaNetDetector.Load(pr.GetValue(weights)!, adjust: c => c with
            {
                MinSize = pr.GetValue(minSize) ?? c.MinSize,
                MaxSize = pr.GetValue(maxSize) ?? c.MaxSize,
            });
            detector.Model.SetInference(scoreThreshold: pr.GetValue(scoreThresh), detectionsPerImage: pr.GetValue(maxDets));
            Dictionary<string, long>? idByName = null;
            if (pr.GetValue(imagesJson) is string ij)
                idByName = CocoFile.Load(ij).Images.ToDictionary(i => Path.GetFileName(i.FileName), i => i.Id);
            var categoryIds = pr.GetValue(labels) is string lf ? File.ReadAllLines(lf).Select((_, i) => (long)i + 1).ToArray() : null;
            var names = pr.GetValue(labels) is string lf2 ? File.ReadAllLines(lf2) : null;
            var results = new List<CocoResult>();
            string? drawDir = pr.GetValue(draw);
            if (drawDir != null) Directory.CreateDirectory(drawDir);
            int done = 0;
            foreach (var file in files)
            {
                var image = ImageFile.Load(file);
                var dets = detector.Detect(image);
                var stem = Path.GetFileNameWithoutExtension(file);
                long imageId = idByName != null
                    ? (idByName.TryGetValue(Path.GetFileName(file), out var id) ? id : throw new InvalidDataException($"{file}: not listed in --images-json."))
                    : long.TryParse(stem, out var n) ? n : done + 1;
                foreach (var d in dets)
                    results.Add(new CocoResult
                    {
                        ImageId = imageId,
                        CategoryId = categoryIds != null && d.Label < categoryIds.Length ? categoryIds[d.Label] : detector.CategoryIdOf(d.Label),
                        Bbox = [d.X1, d.Y1, d.X2 - d.X1, d.Y2 - d.Y1],
                        Score = d.Score,
                    });
                if (drawDir != null)
                {
                    foreach (var d in dets.Where(d => d.Score >= 0.3f))
                        DetectionDrawing.DrawLabelledBox(image, d.X1, d.Y1, d.X2, d.Y2, $"{(names != null && d.Label < names.Length ? names[d.Label] : d.ClassName)} {d.Score:F2}", d.Label);
                    ImageFile.SavePng(Path.Combine(drawDir, stem + ".png"), image);
                }
                done++;
                Console.Error.Write($"\r{done}/{files.Count} images");
            }
            Console.Error.WriteLine();
            CocoResult.SaveList(pr.GetValue(output)!, results);
            Console.WriteLine($"{results.Count} detections in {files.Count} images written to {pr.GetValue(output)}.");
            return 0;
        }));
        return command;
    }
}
