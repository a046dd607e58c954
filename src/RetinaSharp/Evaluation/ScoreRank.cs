namespace RetinaSharp.Evaluation;

/// <summary>
/// Sort key that orders by score, highest first, and keeps the earlier position first among equal
/// scores: the same order as numpy's stable argsort of -score, which pycocotools relies on.
/// </summary>
internal readonly struct ScoreRank(double score, int position) : IComparable<ScoreRank>
{
    public readonly double Score = score;
    public readonly int Position = position;

    public int CompareTo(ScoreRank other)
    {
        if (Score > other.Score) return -1;
        if (Score < other.Score) return 1;
        return Position.CompareTo(other.Position);
    }
}
