namespace RetinaSharp.Serving.Json;

/// <summary>The body of every refused request: one sentence saying what was wrong.</summary>
public sealed record ErrorResponse(string Error);
