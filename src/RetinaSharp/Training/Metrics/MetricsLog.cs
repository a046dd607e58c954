using System.Text.Json;

namespace RetinaSharp.Training.Metrics;

/// <summary>
/// A run's metrics.jsonl: one JSON object per line, either a <see cref="StepMetrics"/> or an
/// <see cref="EvaluationMetrics"/> (told apart by the "evaluation" field). Lines are flushed as
/// written, so a crashed run keeps what it logged.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter _writer;

    public MetricsLog(string path, bool append)
    {
        Path = path;
        _writer = new StreamWriter(path, append);
    }

    private MetricsLog(string path, StreamWriter writer)
    {
        Path = path;
        _writer = writer;
    }

    /// <summary>A log that writes nothing (a data-parallel process other than the primary).</summary>
    public static MetricsLog Discard(string path) => new(path, StreamWriter.Null);

    public string Path { get; }

    public void Append(StepMetrics step) => Write(JsonSerializer.Serialize(step));

    public void Append(EvaluationMetrics evaluation) => Write(JsonSerializer.Serialize(evaluation));

    private void Write(string line)
    {
        lock (_writer)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    /// <summary>Reads a metrics file; a line that is neither kind is an error naming the file and the line.</summary>
    public static (List<StepMetrics> Steps, List<EvaluationMetrics> Evaluations) Read(string path)
    {
        var steps = new List<StepMetrics>();
        var evaluations = new List<EvaluationMetrics>();
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("evaluation", out _)) evaluations.Add(doc.RootElement.Deserialize<EvaluationMetrics>()!);
                else if (doc.RootElement.TryGetProperty("loss", out _)) steps.Add(doc.RootElement.Deserialize<StepMetrics>()!);
                else throw new InvalidDataException($"{path}: line {number} is neither a step nor an evaluation record.");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}: line {number} is not valid JSON: {e.Message}", e);
            }
        }
        return (steps, evaluations);
    }

    public void Dispose() => _writer.Dispose();
}
