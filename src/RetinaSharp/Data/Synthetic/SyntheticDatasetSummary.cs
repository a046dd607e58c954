namespace RetinaSharp.Data.Synthetic;

/// <summary>What <see cref="SyntheticDataset.Generate"/> wrote.</summary>
/// <param name="CategoryNames">Name of category id k at index k - 1.</param>
public sealed record SyntheticDatasetSummary(
    string OutputDirectory, IReadOnlyList<string> CategoryNames, SyntheticSplitSummary Train, SyntheticSplitSummary Val, TimeSpan Elapsed);
