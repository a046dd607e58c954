namespace RetinaSharp.Data.Synthetic;

/// <summary>What <see cref="SyntheticDataset.Generate"/> writes.</summary>
public sealed record SyntheticOptions
{
    public SyntheticSettings Settings { get; init; } = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Easy);

    /// <summary>The same seed and settings give byte-identical files.</summary>
    public ulong Seed { get; init; }

    public int TrainImages { get; init; } = 2000;
    public int ValImages { get; init; } = 200;

    /// <summary>Threads used to render and encode; -1 for all cores. Does not change the output.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that cannot work.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Settings);
        Settings.Validate();
        if (TrainImages < 0) throw new ArgumentException($"TrainImages must not be negative, got {TrainImages}.");
        if (ValImages < 0) throw new ArgumentException($"ValImages must not be negative, got {ValImages}.");
        if (MaxDegreeOfParallelism is 0 or < -1) throw new ArgumentException($"MaxDegreeOfParallelism must be -1 (all cores) or positive, got {MaxDegreeOfParallelism}.");
    }
}
