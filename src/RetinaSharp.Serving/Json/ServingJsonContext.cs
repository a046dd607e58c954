using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetinaSharp.Serving.Json;

/// <summary>Compile-time JSON contracts of the API, in snake_case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DetectionResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class ServingJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The contracts as the API writes them: the bodies are application/json, never embedded in
    /// HTML, so quotes and apostrophes in messages and class names need no \u escapes.
    /// </summary>
    public static ServingJsonContext Api { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
