namespace RetinaSharp.Serving.Json;

/// <summary>The body of <c>GET /healthz</c>.</summary>
/// <param name="Status">"ok" while serving, "stopping" once shutdown began.</param>
public sealed record HealthResponse(string Status, int Classes, int MaxBatch);
