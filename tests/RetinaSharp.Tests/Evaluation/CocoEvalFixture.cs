using System.Collections.Concurrent;
using System.Text.Json;
using RetinaSharp.Evaluation;

namespace RetinaSharp.Tests.Evaluation;

/// <summary>One case under Fixtures/CocoEval: its files, pycocotools' expected output, and our result.</summary>
internal sealed class CocoEvalFixture
{
    private static readonly ConcurrentDictionary<string, CocoEvalFixture> Cache = new();

    private CocoEvalFixture(string name)
    {
        Name = name;
        GroundTruthPath = Path.Combine(Folder, name, "gt.json");
        DetectionsPath = Path.Combine(Folder, name, "dets.json");
        Expected = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, name, "expected.json"))).RootElement;
        Result = CocoEvaluator.EvaluateFiles(GroundTruthPath, DetectionsPath);
    }

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "CocoEval");

    public static string[] Names { get; } = ["mixed", "ties", "max_dets", "perfect", "random"];

    public string Name { get; }
    public string GroundTruthPath { get; }
    public string DetectionsPath { get; }
    public JsonElement Expected { get; }
    public CocoEvalResult Result { get; }

    public static CocoEvalFixture Get(string name) => Cache.GetOrAdd(name, n => new CocoEvalFixture(n));

    /// <summary>Reads the {shape, values, index} form the fixture script stores precision arrays in.</summary>
    public static (int[] Shape, double[] Values) ReadTable(JsonElement table)
    {
        var shape = table.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var distinct = table.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var values = table.GetProperty("index").EnumerateArray().Select(e => distinct[e.GetInt32()]).ToArray();
        return (shape, values);
    }
}
