namespace RetinaSharp.Data;

/// <summary>
/// One problem found in a data set's input.
/// </summary>
/// <param name="File">The file at fault (annotation file, image file).</param>
/// <param name="Item">Where in it: "line 12", "annotation 7 (image 3)", "&lt;object&gt; at line 20".</param>
/// <param name="Message">What is wrong and what was done about it.</param>
public sealed record DatasetProblem(ProblemSeverity Severity, ProblemKind Kind, string File, string Item, string Message)
{
    public override string ToString() =>
        Item.Length == 0 ? $"{File}: {Message}" : $"{File}: {Item}: {Message}";
}
