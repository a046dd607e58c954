namespace RetinaSharp.Data;

/// <summary>One object class: its name and the category id it has in the source annotations.</summary>
public sealed record DetectionClass(string Name, long CategoryId);
