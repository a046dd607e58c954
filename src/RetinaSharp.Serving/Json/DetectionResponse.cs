namespace RetinaSharp.Serving.Json;

/// <summary>The body of a successful <c>POST /v1/detect</c>: the stored image's size and its detections, best first.</summary>
/// <param name="Milliseconds">Server time from the request's arrival to its answer: upload, decoding, queueing and detection.</param>
public sealed record DetectionResponse(int Width, int Height, IReadOnlyList<DetectionItem> Detections, double Milliseconds);
