using System.CommandLine;
using RetinaSharp.Export;

namespace RetinaSharp.Cli.Commands;

/// <summary><c>retina export</c>: writes a detector as an ONNX model (see <see cref="RetinaNetOnnxExporter"/>).</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "A RetinaSharp checkpoint, a torchvision RetinaNet state dict (.pth / .safetensors), or a published name (retina weights list).", Required = true };
        var output = new Option<string>("--output") { Description = "The ONNX file to write.", DefaultValueFactory = _ => "model.onnx" };
        var opset = new Option<int>("--opset") { Description = $"ONNX operator set, {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset}.", DefaultValueFactory = _ => OnnxExportOptions.DefaultOpset };
        var raw = new Option<bool>("--raw") { Description = "Only the network: normalised, padded images [N, 3, H, W] to per-level class logits and box deltas." };
        var scoreThresh = new Option<float?>("--score-thresh") { Description = "Minimum score baked into the graph (default from the weights, 0.05 for torchvision)." };
        var maxDets = new Option<int?>("--max-detections") { Description = "Detections kept per image (default from the weights, 300 for torchvision)." };
        var minSize = new Option<int?>("--min-size") { Description = "Shorter side after resizing (default from the weights, 800 for torchvision)." };
        var maxSize = new Option<int?>("--max-size") { Description = "Longer side limit (default from the weights, 1333 for torchvision)." };
        var command = new Command("export", "Write a detector as an ONNX model: an RGB image in, boxes, scores and category ids out.")
            { weights, output, opset, raw, scoreThresh, maxDets, minSize, maxSize };
        command.SetAction(pr => CliErrors.Run("export", () =>
        {
            var options = new OnnxExportOptions { Opset = pr.GetValue(opset), Raw = pr.GetValue(raw) };
            options.Validate();
            using var detector = RetinaNetDetector.Load(pr.GetValue(weights)!, c => c with
            {
                MinSize = pr.GetValue(minSize) ?? c.MinSize,
                MaxSize = pr.GetValue(maxSize) ?? c.MaxSize,
            });
            detector.Inference = detector.Inference with
            {
                ScoreThreshold = pr.GetValue(scoreThresh) ?? detector.Inference.ScoreThreshold,
                DetectionsPerImage = pr.GetValue(maxDets) ?? detector.Inference.DetectionsPerImage,
            };
            var path = pr.GetValue(output)!;
            RetinaNetOnnxExporter.Export(detector, path, options);
            var config = detector.Model.Config;
            string graph = options.Raw
                ? $"images [N, 3, H, W] -> cls_logits_p3..p7, bbox_regression_p3..p7"
                : $"image [3, H, W] -> boxes, scores, labels; resize {config.MinSize}/{config.MaxSize}, score > {detector.Inference.ScoreThreshold}, at most {detector.Inference.DetectionsPerImage}";
            Console.WriteLine($"wrote {path} ({new FileInfo(path).Length / 1e6:F1} MB, opset {options.Opset}): {graph}");
            return 0;
        }));
        return command;
    }
}
