using System.Diagnostics;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Export.Tests;

/// <summary><c>retina export</c> run as a child process, as a user runs it.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private static async Task<(int Code, string Out, string Err)> Retina(params string[] args)
    {
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "retina.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120))) await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Writes_a_model_that_detects_what_predict_detects()
    {
        var weights = TestImages.Fixture("retinanet", "v1_weights.pth");
        var output = _temp["v1.onnx"];
        var (code, stdout, stderr) = await Retina("export", "--weights", weights, "--output", output, "--min-size", "96", "--max-size", "160", "--max-detections", "40");
        Assert.True(code == 0, stderr);
        Assert.StartsWith($"wrote {output}", stdout);

        using var detector = RetinaNetDetector.Load(weights, c => c with { MinSize = 96, MaxSize = 160 });
        detector.Inference = detector.Inference with { DetectionsPerImage = 40 };
        using var ort = new OnnxDetectorSession(File.ReadAllBytes(output));
        var image = TestImages.Photo();
        var ours = detector.Detect(image);
        var theirs = ort.Detect(image);
        Assert.Equal(40, theirs.Count);
        Assert.True(DetectionComparison.AgreedFraction(ours, detector.CategoryIdOf, theirs, out var mismatch) >= 0.99, mismatch);
    }

    [Fact]
    public async Task Raw_export_declares_the_batch_input()
    {
        var output = _temp["raw.onnx"];
        var (code, _, stderr) = await Retina("export", "--weights", TestImages.Fixture("retinanet", "v2_weights.pth"), "--output", output, "--raw", "--opset", "13");
        Assert.True(code == 0, stderr);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(output);
        Assert.Equal([-1, 3, -1, -1], session.InputMetadata["images"].Dimensions);
        Assert.Equal(10, session.OutputMetadata.Count);
    }

    [Fact]
    public async Task An_unsupported_opset_is_one_line_naming_the_range()
    {
        var (code, _, stderr) = await Retina("export", "--weights", TestImages.Fixture("retinanet", "v1_weights.pth"), "--output", _temp["x.onnx"], "--opset", "9");
        Assert.Equal(1, code);
        Assert.Equal("retina export: Opset 9 is not supported: choose 13 to 21 (default 17).", stderr.Trim());
        Assert.False(File.Exists(_temp["x.onnx"]));
    }

    [Fact]
    public async Task Missing_weights_are_one_line_naming_the_file()
    {
        var missing = _temp["nope.pth"];
        var (code, _, stderr) = await Retina("export", "--weights", missing, "--output", _temp["x.onnx"]);
        Assert.Equal(1, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains(missing, stderr);
    }
}
