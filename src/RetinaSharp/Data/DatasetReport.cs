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

    /// <summary>
    /// The problems with the same severity, kind, file and message gathered into one group each,
    /// in the order of their first occurrence.
    /// </summary>
    public IReadOnlyList<DatasetProblemGroup> Grouped()
    {
        lock (_gate)
        {
            var order = new List<(DatasetProblem First, List<string> Items, int Count)>();
            var index = new Dictionary<(ProblemSeverity, ProblemKind, string, string), int>();
            foreach (var p in _problems)
            {
                var key = (p.Severity, p.Kind, p.File, p.Message);
                if (index.TryGetValue(key, out int i))
                {
                    var g = order[i];
                    if (g.Items.Count < DatasetProblemGroup.ItemsShown && p.Item.Length > 0) g.Items.Add(p.Item);
                    order[i] = g with { Count = g.Count + 1 };
                }
                else
                {
                    index[key] = order.Count;
                    order.Add((p, p.Item.Length > 0 ? [p.Item] : [], 1));
                }
            }
            var groups = new List<DatasetProblemGroup>(order.Count);
            foreach (var (first, items, count) in order) groups.Add(new DatasetProblemGroup(first, count, items));
            return groups;
        }
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
