using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RetinaSharp.Imaging;

namespace RetinaSharp.Export.Tests;

/// <summary>One detection as ONNX Runtime returns it from an exported model.</summary>
public readonly record struct OnnxDetection(float X1, float Y1, float X2, float Y2, float Score, long CategoryId);

/// <summary>
/// Runs an exported detector in ONNX Runtime the way the README shows: the image as RGB floats in
/// [0, 1], [3, H, W], in "image"; boxes, scores and labels out.
/// </summary>
public sealed class OnnxDetectorSession : IDisposable
{
    private readonly InferenceSession _session;

    public OnnxDetectorSession(byte[] model, int threads = 2)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        _session = new InferenceSession(model, options);
    }

    public InferenceSession Session => _session;

    public IReadOnlyDictionary<string, string> Metadata => _session.ModelMetadata.CustomMetadataMap;

    public static float[] ToChw01(RgbImage image)
    {
        int plane = image.Width * image.Height;
        var chw = new float[3 * plane];
        var pixels = image.Pixels;
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++) chw[c * plane + i] = pixels[i * 3 + c] / 255f;
        return chw;
    }

    public List<OnnxDetection> Detect(RgbImage image)
    {
        // The README's snippet, line for line.
        var input = new DenseTensor<float>(ToChw01(image), [3, image.Height, image.Width]);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor("image", input)]);
        var boxes = results.First(r => r.Name == "boxes").AsTensor<float>().ToArray();
        var scores = results.First(r => r.Name == "scores").AsTensor<float>().ToArray();
        var labels = results.First(r => r.Name == "labels").AsTensor<long>().ToArray();
        var found = new List<OnnxDetection>(scores.Length);
        for (int i = 0; i < scores.Length; i++)
            found.Add(new OnnxDetection(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3], scores[i], labels[i]));
        return found;
    }

    public void Dispose() => _session.Dispose();
}
