namespace RetinaSharp.Checkpoints;

/// <summary>
/// One weights file torchvision publishes, known by the names PyTorch users already type: the
/// builder and version (<c>resnet50.IMAGENET1K_V2</c>), the enum member
/// (<c>ResNet50_Weights.IMAGENET1K_V2</c>), the file name, and for the version torchvision marks
/// DEFAULT also the bare builder (<c>resnet50</c>), <c>.DEFAULT</c>, and the file name's stem
/// (<c>retinanet_resnet50_fpn_coco</c>). The catalogue is torchvision 0.14's, limited to the
/// ResNets and ResNeXts our backbones build and the two RetinaNets. Files land in, and are used
/// from, torch hub's own cache, so weights a PyTorch user already has are not fetched again.
/// </summary>
/// <param name="Model">torchvision's builder, e.g. "resnet50".</param>
/// <param name="EnumName">The builder's weights enum, e.g. "ResNet50_Weights".</param>
/// <param name="Version">The enum member, e.g. "IMAGENET1K_V2".</param>
public sealed record PretrainedWeights(string Model, string EnumName, string Version, PretrainedWeightsKind Kind, string Url, bool IsDefault)
{
    private const string TorchvisionBase = "https://download.pytorch.org/models/";

    /// <summary>The canonical name, builder and version: "resnet50.IMAGENET1K_V2".</summary>
    public string Name => $"{Model}.{Version}";

    /// <summary>The file name in the URL, which is also its name in the torch hub cache.</summary>
    public string FileName => Url[(Url.LastIndexOf('/') + 1)..];

    /// <summary>The start of the file's SHA-256 that its name carries; every torchvision file has one.</summary>
    public string? HashPrefix => WeightsHash.PrefixOf(FileName);

    /// <summary>The file name up to its hash, torchvision's old <c>model_urls</c> key: "retinanet_resnet50_fpn_coco".</summary>
    public string Stem => FileName.LastIndexOf('-') is >= 0 and var dash ? FileName[..dash] : Path.GetFileNameWithoutExtension(FileName);

    /// <summary>Every name that finds this entry (compared without regard to case).</summary>
    public IEnumerable<string> Names
    {
        get
        {
            yield return Name;
            yield return $"{EnumName}.{Version}";
            yield return FileName;
            if (!IsDefault) yield break;
            yield return Model;
            if (Stem != Model) yield return Stem;
            yield return $"{Model}.DEFAULT";
            yield return $"{EnumName}.DEFAULT";
        }
    }

    /// <summary>The published files: torchvision 0.14's URLs, DEFAULT as its enums mark it.</summary>
    public static IReadOnlyList<PretrainedWeights> All { get; } =
    [
        ImageNet("resnet18", "ResNet18_Weights", "IMAGENET1K_V1", "resnet18-f37072fd.pth", isDefault: true),
        ImageNet("resnet34", "ResNet34_Weights", "IMAGENET1K_V1", "resnet34-b627a593.pth", isDefault: true),
        ImageNet("resnet50", "ResNet50_Weights", "IMAGENET1K_V1", "resnet50-0676ba61.pth"),
        ImageNet("resnet50", "ResNet50_Weights", "IMAGENET1K_V2", "resnet50-11ad3fa6.pth", isDefault: true),
        ImageNet("resnet101", "ResNet101_Weights", "IMAGENET1K_V1", "resnet101-63fe2227.pth"),
        ImageNet("resnet101", "ResNet101_Weights", "IMAGENET1K_V2", "resnet101-cd907fc2.pth", isDefault: true),
        ImageNet("resnet152", "ResNet152_Weights", "IMAGENET1K_V1", "resnet152-394f9c45.pth"),
        ImageNet("resnet152", "ResNet152_Weights", "IMAGENET1K_V2", "resnet152-f82ba261.pth", isDefault: true),
        ImageNet("resnext50_32x4d", "ResNeXt50_32X4D_Weights", "IMAGENET1K_V1", "resnext50_32x4d-7cdf4587.pth"),
        ImageNet("resnext50_32x4d", "ResNeXt50_32X4D_Weights", "IMAGENET1K_V2", "resnext50_32x4d-1a0047aa.pth", isDefault: true),
        ImageNet("resnext101_32x8d", "ResNeXt101_32X8D_Weights", "IMAGENET1K_V1", "resnext101_32x8d-8ba56ff5.pth"),
        ImageNet("resnext101_32x8d", "ResNeXt101_32X8D_Weights", "IMAGENET1K_V2", "resnext101_32x8d-110c445d.pth", isDefault: true),
        ImageNet("resnext101_64x4d", "ResNeXt101_64X4D_Weights", "IMAGENET1K_V1", "resnext101_64x4d-173b62eb.pth", isDefault: true),
        new("retinanet_resnet50_fpn", "RetinaNet_ResNet50_FPN_Weights", "COCO_V1", PretrainedWeightsKind.Detector,
            TorchvisionBase + "retinanet_resnet50_fpn_coco-eeacb38b.pth", IsDefault: true),
        new("retinanet_resnet50_fpn_v2", "RetinaNet_ResNet50_FPN_V2_Weights", "COCO_V1", PretrainedWeightsKind.Detector,
            TorchvisionBase + "retinanet_resnet50_fpn_v2_coco-5905b1c5.pth", IsDefault: true),
    ];

    private static readonly Dictionary<string, PretrainedWeights> ByName = All
        .SelectMany(w => w.Names.Select(n => KeyValuePair.Create(n, w)))
        .ToDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The entry a name finds, or null.</summary>
    public static PretrainedWeights? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The names to suggest: the DEFAULT entries' stems ("resnet50", "retinanet_resnet50_fpn_coco").</summary>
    public static IEnumerable<string> ShortNames => All.Where(w => w.IsDefault).Select(w => w.Stem);

    /// <summary>
    /// The weights file that <paramref name="nameOrPath"/> means. A path that exists is always that
    /// path, whatever it is called; a known name becomes its file in the cache, downloaded first
    /// when missing. Anything else comes back unchanged for the loader to report, unless it looks
    /// like a mistyped name, which is refused here with the names that exist.
    /// </summary>
    /// <param name="expected">Refuses a name of the other kind; a detector's backbone does serve as backbone weights.</param>
    /// <param name="downloader">Where the cache is and how files are fetched (default: torch hub's cache, progress on stderr).</param>
    public static string Resolve(string nameOrPath, PretrainedWeightsKind? expected = null, WeightsDownloader? downloader = null)
    {
        if (Path.Exists(nameOrPath)) return nameOrPath;
        if (Find(nameOrPath) is not { } weights)
        {
            if (LooksLikeName(nameOrPath))
                throw new FileNotFoundException($"{nameOrPath}: no such file, and not the name of published weights (for example {string.Join(", ", ShortNames)}).", nameOrPath);
            return nameOrPath;
        }
        if (expected == PretrainedWeightsKind.Detector && weights.Kind == PretrainedWeightsKind.Backbone)
            throw new ArgumentException($"{nameOrPath}: {weights.Name} is an ImageNet {weights.Model} classifier, not a RetinaNet; it can start a backbone only.");
        downloader ??= new WeightsDownloader { Progress = DownloadProgressWriter.ForStandardError() };
        return downloader.Ensure(weights);
    }

    private static readonly string[] WeightsExtensions = [".pth", ".pt", ".safetensors", ".bin", ".ckpt"];

    // A bare word without a folder or a weights extension ("resnet5", "resnet50.IMAGENET1K_V3") was meant as a name.
    private static bool LooksLikeName(string value) =>
        value.Length > 0 && value.IndexOfAny(['/', '\\']) < 0
        && !WeightsExtensions.Contains(Path.GetExtension(value), StringComparer.OrdinalIgnoreCase);

    private static PretrainedWeights ImageNet(string model, string enumName, string version, string fileName, bool isDefault = false) =>
        new(model, enumName, version, PretrainedWeightsKind.Backbone, TorchvisionBase + fileName, isDefault);
}
