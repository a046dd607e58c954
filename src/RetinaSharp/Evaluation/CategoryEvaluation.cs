namespace RetinaSharp.Evaluation;

/// <summary>
/// Per-image matching results of one category, concatenated over images in ascending image id:
/// each image's detections sorted by score and cut to the largest max-detections value.
/// </summary>
internal sealed class CategoryEvaluation(int thresholdCount, int areaCount)
{
    public readonly int Thresholds = thresholdCount;
    public readonly int Areas = areaCount;

    public int Count { get; private set; }
    public double[] Scores { get; private set; } = new double[256];

    /// <summary>Rank of each detection within its image, for the smaller max-detections cuts.</summary>
    public int[] Ranks { get; private set; } = new int[256];

    /// <summary><see cref="MatchState"/> of detection n at area a and threshold t: [(n * Areas + a) * Thresholds + t].</summary>
    public byte[] States { get; private set; } = new byte[256 * thresholdCount * areaCount];

    /// <summary>Ground truth that is neither crowd nor outside the range, per area range.</summary>
    public readonly long[] NonIgnoredGroundTruth = new long[areaCount];

    public void Clear()
    {
        Count = 0;
        Array.Clear(NonIgnoredGroundTruth);
    }

    /// <summary>Makes room for <paramref name="n"/> more detections and returns the first new position.</summary>
    public int Append(int n)
    {
        var start = Count;
        var needed = start + n;
        if (needed > Scores.Length)
        {
            var capacity = Math.Max(needed, Scores.Length * 2);
            var scores = Scores;
            var ranks = Ranks;
            var states = States;
            Array.Resize(ref scores, capacity);
            Array.Resize(ref ranks, capacity);
            Array.Resize(ref states, capacity * Thresholds * Areas);
            Scores = scores;
            Ranks = ranks;
            States = states;
        }
        Count = needed;
        return start;
    }
}
