using System.Text.Json.Serialization;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Losses;
using RetinaSharp.Postprocessing;
using RetinaSharp.Models.Backbones;

namespace RetinaSharp.Models;

/// <summary>
/// Everything that defines a RetinaNet: architecture, anchors, matching, losses and inference
/// thresholds. The defaults are torchvision's retinanet_resnet50_fpn (v1); <see cref="TorchvisionV2"/>
/// gives retinanet_resnet50_fpn_v2. Saved with every checkpoint so a model reloads as trained.
/// </summary>
public sealed record RetinaNetConfig
{
    // ---- architecture --------------------------------------------------------------------
    public string Backbone { get; init; } = "resnet50";

    /// <summary>Scales every backbone stage's width (1 = published network).</summary>
    public double BackboneWidth { get; init; } = 1;

    [JsonConverter(typeof(JsonStringEnumConverter<NormKind>))]
    public NormKind BackboneNorm { get; init; } = NormKind.FrozenBatchNorm;

    /// <summary>Backbone stages trained, counted from layer4 down (0–5; torchvision's default 3).</summary>
    public int TrainableBackboneLayers { get; init; } = 3;

    /// <summary>Number of classes K (foreground only; no background class).</summary>
    public int NumClasses { get; init; } = 91;

    public int FpnChannels { get; init; } = 256;

    /// <summary>P6 from C5 (paper, torchvision v2) instead of P5 (torchvision v1).</summary>
    public bool P6FromC5 { get; init; }

    /// <summary>GroupNorm in the head towers, convolutions without bias (torchvision v2).</summary>
    public bool HeadGroupNorm { get; init; }

    public int HeadDepth { get; init; } = 4;

    /// <summary>Prior π for the classification bias; 0 disables the prior initialisation.</summary>
    public float PriorProbability { get; init; } = 0.01f;

    // ---- anchors and matching ------------------------------------------------------------
    /// <summary>Base anchor size per pyramid level P3..P7.</summary>
    public int[] AnchorSizes { get; init; } = [32, 64, 128, 256, 512];

    /// <summary>Octave scales per level, as exponents of 2 (0, 1/3, 2/3 gives 3 scales).</summary>
    public double[] AnchorScales { get; init; } = [0, 1.0 / 3, 2.0 / 3];

    /// <summary>Aspect ratios h/w.</summary>
    public double[] AspectRatios { get; init; } = [0.5, 1.0, 2.0];

    public float ForegroundIou { get; init; } = 0.5f;
    public float BackgroundIou { get; init; } = 0.4f;
    public bool AllowLowQualityMatches { get; init; } = true;

    // ---- losses --------------------------------------------------------------------------
    public ClassificationLossKind ClassificationLoss { get; init; } = ClassificationLossKind.Focal;
    public float FocalAlpha { get; init; } = 0.25f;
    public float FocalGamma { get; init; } = 2f;

    /// <summary>p_t threshold of the hinge variant.</summary>
    public float HingeThreshold { get; init; } = 0.5f;

    /// <summary>Anchors per image kept by OHEM.</summary>
    public int OhemBatchSize { get; init; } = 256;

    /// <summary>Foreground fraction enforced by OHEM (0.25 for 1:3), or 0 for no constraint.</summary>
    public float OhemForegroundFraction { get; init; }

    /// <summary>IoU above which OHEM suppresses a lower-loss anchor overlapping a higher-loss one (over anchor boxes).</summary>
    public float OhemNmsThreshold { get; init; } = 0.5f;

    public BoxLossKind BoxLoss { get; init; } = BoxLossKind.L1;
    public float SmoothL1Beta { get; init; } = 0.11f;

    // ---- input transform -----------------------------------------------------------------
    public int MinSize { get; init; } = 800;
    public int MaxSize { get; init; } = 1333;
    public float[] ImageMean { get; init; } = [0.485f, 0.456f, 0.406f];
    public float[] ImageStd { get; init; } = [0.229f, 0.224f, 0.225f];

    // ---- inference -----------------------------------------------------------------------
    public float ScoreThreshold { get; init; } = 0.05f;
    public double NmsThreshold { get; init; } = 0.5;
    public int TopKCandidates { get; init; } = 1000;
    public int DetectionsPerImage { get; init; } = 300;

    /// <summary>Anchors per location.</summary>
    [JsonIgnore] public int AnchorsPerLocation => AnchorScales.Length * AspectRatios.Length;

    /// <summary>The input transform at inference: shorter side <see cref="MinSize"/>, longer at most <see cref="MaxSize"/>, this normalisation.</summary>
    [JsonIgnore]
    public TransformOptions Transform => new() { MinSizes = [MinSize], MaxSize = MaxSize, Mean = ImageMean, Std = ImageStd };

    /// <summary>The post-processing settings the model was configured with.</summary>
    [JsonIgnore]
    public InferenceOptions Inference => new()
    {
        ScoreThreshold = ScoreThreshold, NmsThreshold = NmsThreshold, TopKCandidates = TopKCandidates, DetectionsPerImage = DetectionsPerImage,
    };

    /// <summary>The matching and loss settings.</summary>
    [JsonIgnore]
    public RetinaNetLossOptions LossOptions => new()
    {
        ForegroundIou = ForegroundIou, BackgroundIou = BackgroundIou, AllowLowQualityMatches = AllowLowQualityMatches,
        ClassificationLoss = ClassificationLoss, FocalAlpha = FocalAlpha, FocalGamma = FocalGamma, HingeThreshold = HingeThreshold,
        OhemBatchSize = OhemBatchSize, OhemForegroundFraction = OhemForegroundFraction, OhemNmsThreshold = OhemNmsThreshold,
        BoxLoss = BoxLoss, SmoothL1Beta = SmoothL1Beta,
    };

    /// <summary>torchvision's retinanet_resnet50_fpn_v2: P6 from C5, GroupNorm heads, GIoU loss.</summary>
    public static RetinaNetConfig TorchvisionV2 { get; } = new() { P6FromC5 = true, HeadGroupNorm = true, BoxLoss = BoxLossKind.GIoU };

    /// <summary>Anchor sizes per level as torchvision computes them: (x, int(x·2^(1/3)), int(x·2^(2/3))).</summary>
    public int[][] AnchorSizesPerLevel()
    {
        var levels = new int[AnchorSizes.Length][];
        for (int l = 0; l < levels.Length; l++)
        {
            levels[l] = new int[AnchorScales.Length];
            for (int s = 0; s < AnchorScales.Length; s++)
                levels[l][s] = (int)(AnchorSizes[l] * Math.Pow(2, AnchorScales[s]));
        }
        return levels;
    }

    public void Validate()
    {
        // Upper bounds far above any real detector: a config read from an untrusted file must not ask for terabytes.
        if (NumClasses <= 0 || NumClasses > 100_000) throw new ArgumentException($"NumClasses must lie in 1..100000, got {NumClasses}.");
        if (FpnChannels > 4096) throw new ArgumentException($"FpnChannels must be at most 4096, got {FpnChannels}.");
        if (HeadDepth > 16) throw new ArgumentException($"HeadDepth must be at most 16, got {HeadDepth}.");
        if (!(BackboneWidth > 0 && BackboneWidth <= 8)) throw new ArgumentException($"BackboneWidth must lie in (0, 8], got {BackboneWidth}.");
        if (MaxSize > 16_384) throw new ArgumentException($"MaxSize must be at most 16384, got {MaxSize}.");
        if (AnchorScales.Length * AspectRatios.Length > 64) throw new ArgumentException($"At most 64 anchors per location, got {AnchorScales.Length * AspectRatios.Length}.");
        if (AnchorSizes.Length != 5) throw new ArgumentException($"AnchorSizes needs one size per level P3–P7 (5), got {AnchorSizes.Length}.");
        if (AnchorScales.Length == 0 || AspectRatios.Length == 0) throw new ArgumentException("At least one anchor scale and one aspect ratio are needed.");
        foreach (var size in AnchorSizes)
            if (size <= 0) throw new ArgumentException($"AnchorSizes must be positive, got {size}.");
        foreach (var ratio in AspectRatios)
            if (!(ratio > 0) || !double.IsFinite(ratio)) throw new ArgumentException($"AspectRatios must be positive, got {ratio}.");
        if (BackgroundIou > ForegroundIou) throw new ArgumentException($"BackgroundIou {BackgroundIou} must not exceed ForegroundIou {ForegroundIou}.");
        if (MinSize <= 0 || MaxSize < MinSize) throw new ArgumentException($"Invalid input sizes: MinSize {MinSize}, MaxSize {MaxSize}.");
        if (FpnChannels <= 0 || HeadDepth < 0) throw new ArgumentException("FpnChannels must be positive and HeadDepth non-negative.");
        if (!(FocalGamma >= 0)) throw new ArgumentException($"FocalGamma must be ≥ 0, got {FocalGamma}.");
        if (!(FocalAlpha <= 1)) throw new ArgumentException($"FocalAlpha must be at most 1 (negative disables it), got {FocalAlpha}.");
        if (ClassificationLoss == ClassificationLossKind.Ohem)
        {
            if (OhemBatchSize <= 0) throw new ArgumentException($"OhemBatchSize must be positive, got {OhemBatchSize}.");
            if (!(OhemForegroundFraction >= 0 && OhemForegroundFraction <= 1)) throw new ArgumentException($"OhemForegroundFraction must lie in [0, 1], got {OhemForegroundFraction}.");
            if (!(OhemNmsThreshold >= 0)) throw new ArgumentException($"OhemNmsThreshold must be ≥ 0, got {OhemNmsThreshold}.");
        }
        if (ClassificationLoss == ClassificationLossKind.Hinge && !(HingeThreshold > 0 && HingeThreshold <= 1))
            throw new ArgumentException($"HingeThreshold must lie in (0, 1], got {HingeThreshold}.");
        if (ImageMean is not { Length: 3 } || ImageStd is not { Length: 3 }) throw new ArgumentException("ImageMean and ImageStd need 3 values (R, G, B).");
        Inference.Validate();
        ResNetSpec.FromName(Backbone, BackboneWidth);
    }
}
