namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// Everything that shapes a synthetic image. Start from <see cref="ForDifficulty"/> and change single
/// properties with a <c>with</c> expression for ablations. Sizes are in pixels of a square image.
/// </summary>
public sealed record SyntheticSettings
{
    /// <summary>The preset these settings started from (recorded in synth.json; it does not change rendering).</summary>
    public SyntheticDifficulty Preset { get; init; }

    /// <summary>Width and height of every image.</summary>
    public int ImageSize { get; init; } = 256;

    /// <summary>The object classes, in category order (category id = index + 1).</summary>
    public IReadOnlyList<ShapeKind> Shapes { get; init; } = ShapeKinds.All;

    /// <summary>Largest number of objects in an image; a non-empty image asks for 1..MaxObjects uniformly.</summary>
    public int MaxObjects { get; init; } = 8;

    /// <summary>Probability that an image has no object at all.</summary>
    public double EmptyImageFraction { get; init; } = 0.07;

    /// <summary>Smallest side of an object's tight box (before occlusion).</summary>
    public int MinObjectSize { get; init; } = 16;

    /// <summary>Largest side of an object's tight box, as a fraction of <see cref="ImageSize"/>.</summary>
    public double MaxObjectFraction { get; init; } = 0.5;

    /// <summary>Largest long:short ratio of an object's tight box.</summary>
    public double MaxAspectRatio { get; init; } = 3.0;

    /// <summary>When false, objects are placed so that their boxes do not even touch.</summary>
    public bool AllowOcclusion { get; init; }

    /// <summary>With occlusion, every object keeps at least this fraction of its pixels visible.</summary>
    public double MinVisibleFraction { get; init; } = 1.0;

    /// <summary>With occlusion, the smaller side of every object's visible box is at least this.</summary>
    public int MinVisibleSize { get; init; } = 16;

    /// <summary>Least RGB distance (0–441) between an object's colours and the mean background beneath it.</summary>
    public double MinContrast { get; init; } = 100;

    /// <summary>Largest per-channel difference between the two ends of the background gradient.</summary>
    public double GradientStrength { get; init; } = 40;

    /// <summary>Amplitude (0–255 scale) of the smooth value-noise texture on the background; 0 for none.</summary>
    public double BackgroundTexture { get; init; }

    /// <summary>Probability of a faint stripe or checker pattern on the background.</summary>
    public double BackgroundPatternProbability { get; init; }

    /// <summary>Probability that an object is filled with stripes, noise or a two-tone gradient instead of a flat colour.</summary>
    public double TexturedObjectFraction { get; init; }

    /// <summary>Largest number of distractors (lines, corners, arcs, blobs) under the objects; 0..Max uniformly.</summary>
    public int MaxClutter { get; init; }

    /// <summary>Standard deviation (0–255 scale) of the per-pixel noise added last; 0 for none.</summary>
    public double NoiseStd { get; init; }

    /// <summary>The preset for a difficulty, at the given image size.</summary>
    public static SyntheticSettings ForDifficulty(SyntheticDifficulty difficulty, int imageSize = 256) => difficulty switch
    {
        SyntheticDifficulty.Easy => new SyntheticSettings
        {
            Preset = difficulty,
            ImageSize = imageSize,
        },
        SyntheticDifficulty.Standard => new SyntheticSettings
        {
            Preset = difficulty,
            ImageSize = imageSize,
            MaxObjects = 10,
            EmptyImageFraction = 0.06,
            MinObjectSize = 12,
            MaxObjectFraction = 0.55,
            AllowOcclusion = true,
            MinVisibleFraction = 0.7,
            MinVisibleSize = 8,
            MinContrast = 70,
            GradientStrength = 60,
            BackgroundTexture = 14,
            BackgroundPatternProbability = 0.1,
            TexturedObjectFraction = 0.3,
            MaxClutter = 4,
        },
        SyntheticDifficulty.Hard => new SyntheticSettings
        {
            Preset = difficulty,
            ImageSize = imageSize,
            MaxObjects = 15,
            EmptyImageFraction = 0.05,
            MinObjectSize = 10,
            MaxObjectFraction = 0.65,
            AllowOcclusion = true,
            MinVisibleFraction = 0.4,
            MinVisibleSize = 6,
            MinContrast = 45,
            GradientStrength = 90,
            BackgroundTexture = 36,
            BackgroundPatternProbability = 0.35,
            TexturedObjectFraction = 0.6,
            MaxClutter = 12,
            NoiseStd = 6,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(difficulty), difficulty, "Unknown difficulty."),
    };

    /// <summary>The largest side an object may have, in pixels.</summary>
    public int MaxObjectSize => (int)Math.Floor(MaxObjectFraction * ImageSize);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }

        Require(ImageSize is >= 32 and <= 8192, $"ImageSize must be in 32..8192, got {ImageSize}.");
        Require(Shapes is { Count: > 0 }, "Shapes must name at least one shape kind.");
        var seen = new HashSet<ShapeKind>();
        foreach (var kind in Shapes)
        {
            Require(Enum.IsDefined(kind), $"Shapes holds an unknown kind {(int)kind}.");
            Require(seen.Add(kind), $"Shapes lists {kind} twice.");
        }
        Require(MaxObjects is >= 0 and <= 1000, $"MaxObjects must be in 0..1000, got {MaxObjects}.");
        Require(EmptyImageFraction is >= 0 and <= 1, $"EmptyImageFraction must be in [0, 1], got {EmptyImageFraction}.");
        Require(MinObjectSize >= 3, $"MinObjectSize must be at least 3 px, got {MinObjectSize}.");
        Require(MaxAspectRatio is >= 1 and <= 10, $"MaxAspectRatio must be in [1, 10], got {MaxAspectRatio}.");
        Require(MaxObjectFraction is > 0 and <= 1, $"MaxObjectFraction must be in (0, 1], got {MaxObjectFraction}.");
        Require(MaxObjectSize >= MinObjectSize + 2,
            $"Objects cannot fit: the largest size ({MaxObjectFraction} x {ImageSize} = {MaxObjectSize} px) must exceed MinObjectSize ({MinObjectSize} px) by 2 px or more; use a larger image.");
        Require(MinVisibleFraction is > 0 and <= 1, $"MinVisibleFraction must be in (0, 1], got {MinVisibleFraction}.");
        Require(MinVisibleSize >= 1, $"MinVisibleSize must be at least 1 px, got {MinVisibleSize}.");
        Require(MinContrast is >= 0 and <= 300, $"MinContrast must be in [0, 300], got {MinContrast}.");
        Require(GradientStrength is >= 0 and <= 255, $"GradientStrength must be in [0, 255], got {GradientStrength}.");
        Require(BackgroundTexture is >= 0 and <= 128, $"BackgroundTexture must be in [0, 128], got {BackgroundTexture}.");
        Require(BackgroundPatternProbability is >= 0 and <= 1, $"BackgroundPatternProbability must be in [0, 1], got {BackgroundPatternProbability}.");
        Require(TexturedObjectFraction is >= 0 and <= 1, $"TexturedObjectFraction must be in [0, 1], got {TexturedObjectFraction}.");
        Require(MaxClutter is >= 0 and <= 1000, $"MaxClutter must be in 0..1000, got {MaxClutter}.");
        Require(NoiseStd is >= 0 and <= 64, $"NoiseStd must be in [0, 64], got {NoiseStd}.");
    }
}
