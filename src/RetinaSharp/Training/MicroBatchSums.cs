namespace RetinaSharp.Training;

/// <summary>
/// One micro-batch's numbers as sums (the loss terms times the image count), so that adding them
/// over the processes of a group gives the numbers of the whole batch.
/// </summary>
internal readonly record struct MicroBatchSums(int Images, int NonFinite, double Classification, double BoxRegression, int Foreground, int Skipped)
{
    /// <summary>The sums over every process of <paramref name="group"/> (one collective call).</summary>
    public MicroBatchSums SumOver(DataParallelContext group)
    {
        Span<double> v = [Images, NonFinite, Classification, BoxRegression, Foreground, Skipped];
        group.SumAcrossRanks(v);
        return new MicroBatchSums((int)v[0], (int)v[1], v[2], v[3], (int)v[4], (int)v[5]);
    }
}
