// Latency of one image through the exported ONNX model in ONNX Runtime against RetinaNetDetector.Detect,
// same weights, same thread count, the two alternating in one process so that machine load hits both.
//
//   dotnet run -c Release --project tools/OnnxBench -- --weights W --image photo.jpg [--iterations 15] [--threads 2]
//       [--min-size N --max-size N]
//   --weights random-r50 builds torchvision's retinanet_resnet50_fpn layout with random weights.
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RetinaSharp;
using RetinaSharp.Export;
using RetinaSharp.Imaging;
using RetinaSharp.Models;

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2) options[args[i]] = args[i + 1];
string Get(string name, string fallback) => options.GetValueOrDefault(name, fallback);
if (!options.ContainsKey("--weights") || !options.ContainsKey("--image"))
{
    Console.Error.WriteLine("usage: OnnxBench --weights W|random-r50 --image FILE [--iterations 15] [--threads 2] [--min-size N] [--max-size N]");
    return 2;
}
int iterations = int.Parse(Get("--iterations", "15"), CultureInfo.InvariantCulture);
int threads = int.Parse(Get("--threads", "2"), CultureInfo.InvariantCulture);
RetinaSharp.Tensors.Kernels.KernelThreads.MaxThreads = threads;
RetinaNetConfig Adjust(RetinaNetConfig c) => c with
{
    MinSize = options.TryGetValue("--min-size", out var min) ? int.Parse(min, CultureInfo.InvariantCulture) : c.MinSize,
    MaxSize = options.TryGetValue("--max-size", out var max) ? int.Parse(max, CultureInfo.InvariantCulture) : c.MaxSize,
};
string weights = Get("--weights", "");
using var detector = weights == "random-r50"
    ? new RetinaNetDetector(new RetinaNet(Adjust(new RetinaNetConfig()), seed: 1))
    : RetinaNetDetector.Load(weights, Adjust);
var image = ImageFile.Load(Get("--image", ""));
var model = RetinaNetOnnxExporter.ToBytes(detector);
using var sessionOptions = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
using var session = new InferenceSession(model, sessionOptions);

int plane = image.Width * image.Height;
var chw = new float[3 * plane];
for (int i = 0; i < plane; i++)
    for (int c = 0; c < 3; c++) chw[c * plane + i] = image.Pixels[i * 3 + c] / 255f;
var input = new DenseTensor<float>(chw, [3, image.Height, image.Width]);

int RunOnnx()
{
    using var results = session.Run([NamedOnnxValue.CreateFromTensor("image", input)]);
    return results.First(r => r.Name == "scores").AsTensor<float>().ToArray().Length;
}
int RunOurs() => detector.Detect(image).Count;

// One warm-up each (JIT, ORT's allocator arenas, our anchor cache).
int onnxCount = RunOnnx(), ourCount = RunOurs();
var onnx = new List<double>();
var ours = new List<double>();
for (int i = 0; i < iterations; i++)
{
    var watch = Stopwatch.StartNew();
    RunOnnx();
    onnx.Add(watch.Elapsed.TotalMilliseconds);
    watch.Restart();
    RunOurs();
    ours.Add(watch.Elapsed.TotalMilliseconds);
}
static double Median(List<double> v)
{
    var s = v.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}
var config = detector.Model.Config;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{config.Backbone} x{config.BackboneWidth:0.###}, {image.Width}x{image.Height} image, resize {config.MinSize}/{config.MaxSize}, {threads} threads, {iterations} alternating runs"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ONNX Runtime {OrtEnv.Instance().GetVersionString()}: median {Median(onnx):F1} ms ({onnxCount} detections)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RetinaSharp Detect:  median {Median(ours):F1} ms ({ourCount} detections)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours / ONNX Runtime: {Median(ours) / Median(onnx):F2}"));
return 0;
