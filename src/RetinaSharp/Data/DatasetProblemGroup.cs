namespace RetinaSharp.Data;

/// <summary>
/// Problems that differ only in where they were found: the same message about the same file, for
/// many rows or objects. Reported once with a count and the first places, so a systematic mistake
/// (a wrong column, a missing class) reads as one line instead of thousands.
/// </summary>
/// <param name="First">The first problem of the group.</param>
/// <param name="Count">How many problems the group holds.</param>
/// <param name="FirstItems">The items (places) of the first few problems, in the order found.</param>
public sealed record DatasetProblemGroup(DatasetProblem First, int Count, IReadOnlyList<string> FirstItems)
{
    /// <summary>Items listed with a group before the rest are only counted.</summary>
    public const int ItemsShown = 3;

    public override string ToString()
    {
        if (Count == 1) return First.ToString();
        var places = string.Join(", ", FirstItems);
        var more = Count > FirstItems.Count ? ", …" : "";
        return places.Length == 0
            ? $"{First.File}: {First.Message} ({Count} times)"
            : $"{First.File}: {First.Message} ({Count} times: {places}{more})";
    }
}
