namespace RetinaSharp.Checkpoints;

/// <summary>How far a download is: reported once at the start, as bytes arrive, and once when the file is complete.</summary>
/// <param name="TotalBytes">The length the server announced; null when it did not.</param>
/// <param name="Finished">The last report: every byte arrived and the hash was checked.</param>
public readonly record struct DownloadProgress(Uri Url, string Destination, long Bytes, long? TotalBytes, bool Finished)
{
    /// <summary>0 to 100, or null when the length is unknown.</summary>
    public double? Percent => TotalBytes is > 0 and var total ? 100.0 * Bytes / total : null;
}
