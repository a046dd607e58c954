namespace RetinaSharp.Models.Backbones;

/// <summary>The layout of a ResNet or ResNeXt, as torchvision's constructors define them.</summary>
/// <param name="Name">torchvision's name, e.g. "resnet50" or "resnext101_32x8d".</param>
/// <param name="UseBottleneck">Bottleneck blocks (ResNet-50 and deeper) instead of basic blocks.</param>
/// <param name="Layers">Blocks in layer1..layer4.</param>
/// <param name="Groups">Grouped 3×3 convolutions (ResNeXt cardinality).</param>
/// <param name="WidthPerGroup">Channels per group in the bottleneck (64 for ResNet).</param>
/// <param name="WidthScale">Scales every stage's channel count (1 = the published network); small values give a light backbone to train from scratch.</param>
public sealed record ResNetSpec(string Name, bool UseBottleneck, int[] Layers, int Groups = 1, int WidthPerGroup = 64, double WidthScale = 1)
{
    public static readonly string[] KnownNames =
        ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d"];

    public static ResNetSpec FromName(string name, double widthScale = 1) => name.ToLowerInvariant() switch
    {
        "resnet18" => new(name, false, [2, 2, 2, 2], WidthScale: widthScale),
        "resnet34" => new(name, false, [3, 4, 6, 3], WidthScale: widthScale),
        "resnet50" => new(name, true, [3, 4, 6, 3], WidthScale: widthScale),
        "resnet101" => new(name, true, [3, 4, 23, 3], WidthScale: widthScale),
        "resnet152" => new(name, true, [3, 8, 36, 3], WidthScale: widthScale),
        "resnext50_32x4d" => new(name, true, [3, 4, 6, 3], 32, 4, widthScale),
        "resnext101_32x8d" => new(name, true, [3, 4, 23, 3], 32, 8, widthScale),
        "resnext101_64x4d" => new(name, true, [3, 4, 23, 3], 64, 4, widthScale),
        _ => throw new ArgumentException($"Unknown backbone '{name}'. Known: {string.Join(", ", KnownNames)}."),
    };

    public int Expansion => UseBottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;

    /// <summary>Channels of the stem and of the planes of each stage (64, 128, 256, 512 when unscaled).</summary>
    public int StemChannels => Scale(64);

    public int Planes(int stage) => Scale(64 << stage);

    /// <summary>Output channels of C2..C5 (index 0..3).</summary>
    public int OutChannels(int stage) => Planes(stage) * Expansion;

    private int Scale(int c) => Math.Max(8, (int)Math.Round(c * WidthScale / 8) * 8);
}
