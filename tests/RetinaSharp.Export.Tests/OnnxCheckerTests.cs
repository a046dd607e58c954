using System.Diagnostics;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Export.Tests;

/// <summary>Exported files pass ONNX's own checker (full check, strict shape inference) through tools/onnx_check.py.</summary>
public sealed class OnnxCheckerTests
{
    [Theory]
    [InlineData("v1_weights.pth", false, 17)]
    [InlineData("v2_weights.pth", false, 13)]
    [InlineData("v2_weights.pth", true, 17)]
    public async Task The_onnx_checker_accepts_the_export(string weights, bool raw, int opset)
    {
        using var dir = new TempDir();
        using var detector = RetinaNetDetector.Load(TestImages.Fixture("retinanet", weights));
        var path = dir["model.onnx"];
        RetinaNetOnnxExporter.Export(detector, path, new OnnxExportOptions { Raw = raw, Opset = opset });
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tools", "onnx_check.py"));
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120))) await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"{output}\n{await stderr}");
        Assert.Contains($"{path}: ok", output);
        Assert.Contains($"opset ai.onnx {opset}", output);
        Assert.Contains(raw ? "out cls_logits_p3 [batch, anchors_p3, 5]" : "out boxes [detections, 4]", output);
    }
}
