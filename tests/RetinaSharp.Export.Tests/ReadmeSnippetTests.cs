using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Export.Tests;

/// <summary>The README's way of running an exported model works, and the README shows exactly that code.</summary>
public sealed class ReadmeSnippetTests
{
    [Fact]
    public void The_snippet_returns_what_detect_returns()
    {
        using var dir = new TempDir();
        using var detector = RetinaNetDetector.Load(TestImages.Fixture("retinanet", "v2_weights.pth"), c => c with { MinSize = 96, MaxSize = 160 });
        var model = dir["model.onnx"];
        RetinaNetOnnxExporter.Export(detector, model);
        var photo = TestImages.Fixture("images", "photo-640x480.jpg");
        var (boxes, scores, labels, names) = ReadmeSnippet.Run(model, photo);
        var theirs = new List<OnnxDetection>();
        for (int i = 0; i < scores.Length; i++) theirs.Add(new OnnxDetection(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3], scores[i], labels[i]));
        var ours = detector.Detect(photo);
        Assert.NotEmpty(ours);
        Assert.True(DetectionComparison.AgreedFraction(ours, detector.CategoryIdOf, theirs, out var mismatch) >= 0.99, mismatch);
        Assert.Equal("[\"0\",\"1\",\"2\",\"3\",\"4\"]", names);
    }

    [Fact]
    public void The_readme_shows_the_tested_code()
    {
        var readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "README.md"));
        int start = readme.IndexOf("<!-- onnx-runtime-snippet -->", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md lost its ONNX Runtime snippet");
        int open = readme.IndexOf("```csharp\n", start, StringComparison.Ordinal) + "```csharp\n".Length;
        var shown = readme[open..readme.IndexOf("```", open, StringComparison.Ordinal)].Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("using Microsoft.", StringComparison.Ordinal)).ToList();
        var source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ReadmeSnippet.cs"));
        int from = source.IndexOf("// snippet begins", StringComparison.Ordinal), to = source.IndexOf("// snippet ends", StringComparison.Ordinal);
        var tested = source[from..to].Split('\n').Skip(1).Select(l => l.Trim().Replace("\"model.onnx\".Replace(\"model.onnx\", modelPath)", "\"model.onnx\"")
            .Replace("\"street.jpg\".Replace(\"street.jpg\", imagePath)", "\"street.jpg\"")).Where(l => l.Length > 0).ToList();
        Assert.Equal(tested, shown);
    }
}
