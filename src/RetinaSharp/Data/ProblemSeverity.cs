namespace RetinaSharp.Data;

public enum ProblemSeverity
{
    /// <summary>The sample was kept, possibly changed (a box dropped or clipped).</summary>
    Warning,

    /// <summary>The sample (or annotation) could not be used and was left out.</summary>
    Error,
}
