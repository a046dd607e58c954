namespace RetinaSharp.Data;

/// <summary>What to do with Pascal VOC objects marked difficult.</summary>
public enum DifficultHandling
{
    /// <summary>Make them ignore regions: neither targets nor background (the VOC protocol ignores them in evaluation too).</summary>
    Ignore,

    /// <summary>Treat them as ordinary targets.</summary>
    Include,

    /// <summary>Leave them out entirely (their area then counts as background).</summary>
    Exclude,
}
