namespace RetinaSharp.Checkpoints;

/// <summary>A weights file could not be fetched or was not the published one; nothing was left in the cache.</summary>
public sealed class WeightsDownloadException(string message, Exception? inner = null) : IOException(message, inner);
