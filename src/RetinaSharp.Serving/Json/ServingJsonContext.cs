using System.Text.Json.Serialization;

namespace RetinaSharp.Serving.Json;

/// <summary>Compile-time JSON contracts of the API, in snake_case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DetectionResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class ServingJsonContext : JsonSerializerContext;
