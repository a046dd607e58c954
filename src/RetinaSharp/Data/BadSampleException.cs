namespace RetinaSharp.Data;

/// <summary>Thrown under <see cref="BadSamplePolicy.Fail"/> for the first unusable sample.</summary>
public sealed class BadSampleException : Exception
{
    public BadSampleException(DatasetProblem problem, Exception? inner = null) : base(problem.ToString(), inner)
    {
        Problem = problem;
    }

    public DatasetProblem Problem { get; }
}
