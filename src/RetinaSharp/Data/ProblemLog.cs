namespace RetinaSharp.Data;

/// <summary>
/// Applies the <see cref="BadSamplePolicy"/> while a data set is read: errors throw under Fail
/// and are recorded under Skip; warnings are always recorded.
/// </summary>
internal sealed class ProblemLog(BadSamplePolicy policy, DatasetReport report)
{
    public DatasetReport Report => report;

    public void Error(ProblemKind kind, string file, string item, string message, Exception? inner = null)
    {
        var problem = new DatasetProblem(ProblemSeverity.Error, kind, file, item, message);
        if (policy == BadSamplePolicy.Fail) throw new BadSampleException(problem, inner);
        report.Add(problem);
    }

    public void Warning(ProblemKind kind, string file, string item, string message) =>
        report.Add(new DatasetProblem(ProblemSeverity.Warning, kind, file, item, message));
}
