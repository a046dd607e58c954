using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RetinaSharp.Export.Tests;

/// <summary>The README's ONNX Runtime snippet, verbatim between the markers; ReadmeSnippetTests runs it and checks README.md still says the same.</summary>
internal static class ReadmeSnippet
{
    public static (float[] Boxes, float[] Scores, long[] Labels, string Names) Run(string modelPath, string imagePath)
    {
        // snippet begins
        using var session = new InferenceSession("model.onnx".Replace("model.onnx", modelPath));
        var image = RetinaSharp.Imaging.ImageFile.Load("street.jpg".Replace("street.jpg", imagePath));
        int plane = image.Width * image.Height;
        var chw = new float[3 * plane];  // RGB planes, values in [0, 1]
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++) chw[c * plane + i] = image.Pixels[i * 3 + c] / 255f;
        var input = new DenseTensor<float>(chw, [3, image.Height, image.Width]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("image", input)]);
        var boxes = results.First(r => r.Name == "boxes").AsTensor<float>().ToArray();  // x1, y1, x2, y2 per detection
        var scores = results.First(r => r.Name == "scores").AsTensor<float>().ToArray();
        var labels = results.First(r => r.Name == "labels").AsTensor<long>().ToArray();  // category ids
        var names = session.ModelMetadata.CustomMetadataMap["retinasharp.class_names"];  // JSON list, by label index
        for (int i = 0; i < scores.Length; i++)
            Console.WriteLine($"{labels[i]} {scores[i]:F2} [{boxes[4 * i]}, {boxes[4 * i + 1]}, {boxes[4 * i + 2]}, {boxes[4 * i + 3]}]");
        // snippet ends
        return (boxes, scores, labels, names);
    }
}
