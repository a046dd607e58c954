using System.Text;
using System.Text.Json;

namespace RetinaSharp.Cli.Commands.Bench;

/// <summary>Writes a benchmark result as one flat JSON object of numbers and strings.</summary>
internal static class BenchJson
{
    public static void Write(string path, IReadOnlyList<KeyValuePair<string, object>> fields)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in fields)
            {
                switch (value)
                {
                    case int i: writer.WriteNumber(key, i); break;
                    case double d: writer.WriteNumber(key, d); break;
                    case bool b: writer.WriteBoolean(key, b); break;
                    default: writer.WriteString(key, value.ToString()); break;
                }
            }
            writer.WriteEndObject();
        }
        File.WriteAllText(path, Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine);
    }
}
