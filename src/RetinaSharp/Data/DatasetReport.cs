namespace RetinaSharp.Data;

/// <summary>
/// Everything a data set found wrong with its input: skipped samples and orphan annotations
/// (errors), dropped and clipped boxes (warnings). Safe to add to from several threads; a problem
/// reported twice (the same image failing to decode in two epochs) is kept once.
/// </summary>
public sealed class DatasetReport
{
    private readonly object _gate = new();
    private readonly List<DatasetProblem> _problems = [];
    private readonly HashSet<DatasetProblem> _seen = [];
    private readonly int[] _byKind = new int[Enum.GetValues<ProblemKind>().Length];
    private int _errors;
    private int _skipped;

    /// <summary>A copy of the problems, in the order they were found.</summary>
    public IReadOnlyList<DatasetProblem> Problems
    {
        get { lock (_gate) return [.. _problems]; }
    }

    public int ErrorCount
    {
        get { lock (_gate) return _errors; }
    }

    public int WarningCount
    {
        get { lock (_gate) return _problems.Count - _errors; }
    }

    /// <summary>Images left out of the data set (or out of a batch) because of a problem.</summary>
    public int SkippedSamples
    {
        get { lock (_gate) return _skipped; }
    }

    public int Count(ProblemKind kind)
    {
        lock (_gate) return _byKind[(int)kind];
    }

    /// <summary>Records a problem; returns false if the same problem was recorded before.</summary>
    public bool Add(DatasetProblem problem)
    {
        lock (_gate)
        {
            if (!_seen.Add(problem)) return false;
            _problems.Add(problem);
            _byKind[(int)problem.Kind]++;
            if (problem.Severity == ProblemSeverity.Error) _errors++;
            return true;
        }
    }

    internal void CountSkippedSample()
    {
        lock (_gate) _skipped++;
    }

    /// <summary>One line per kind of problem, with counts.</summary>
    public string Summary()
    {
        lock (_gate)
        {
            if (_problems.Count == 0) return "no problems";
            var parts = new List<string>();
            foreach (var kind in Enum.GetValues<ProblemKind>())
                if (_byKind[(int)kind] > 0) parts.Add($"{kind}: {_byKind[(int)kind]}");
            return $"{_errors} errors, {_problems.Count - _errors} warnings, {_skipped} samples skipped ({string.Join(", ", parts)})";
        }
    }
}
