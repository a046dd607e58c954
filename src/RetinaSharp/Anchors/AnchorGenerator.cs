namespace RetinaSharp.Anchors;

/// <summary>
/// Anchors exactly as torchvision's AnchorGenerator: per level, cell anchors
/// round([−w/2, −h/2, w/2, h/2]) (half to even) with w = size/√ar and h = size·√ar, ordered
/// ratio-major then size; shifted to i·stride (no half-cell offset) with stride = padded size //
/// feature size per axis; flattened (H, W, A) per level and levels concatenated.
/// </summary>
public sealed class AnchorGenerator
{
    private readonly float[][] _cellAnchors;
    private readonly Dictionary<string, AnchorSet> _cache = new();
    private readonly Lock _gate = new();

    /// <param name="sizes">Anchor sizes per level (e.g. (32, 40, 50) for P3).</param>
    /// <param name="aspectRatios">Aspect ratios h/w, the same for every level.</param>
    public AnchorGenerator(int[][] sizes, double[] aspectRatios)
    {
        Sizes = sizes;
        AspectRatios = aspectRatios;
        _cellAnchors = new float[sizes.Length][];
        for (int l = 0; l < sizes.Length; l++) _cellAnchors[l] = CellAnchors(sizes[l], aspectRatios);
    }

    public int[][] Sizes { get; }
    public double[] AspectRatios { get; }

    /// <summary>Anchors per location on each level.</summary>
    public int NumAnchorsPerLocation => _cellAnchors[0].Length / 4;

    /// <summary>The base anchors of one level, four floats each, centred on 0.</summary>
    public static float[] CellAnchors(int[] sizes, double[] aspectRatios)
    {
        var result = new float[sizes.Length * aspectRatios.Length * 4];
        int k = 0;
        foreach (var ar in aspectRatios)
        {
            float hRatio = MathF.Sqrt((float)ar);
            float wRatio = 1f / hRatio;
            foreach (var size in sizes)
            {
                float ws = wRatio * size, hs = hRatio * size;
                result[k++] = MathF.Round(-ws / 2, MidpointRounding.ToEven);
                result[k++] = MathF.Round(-hs / 2, MidpointRounding.ToEven);
                result[k++] = MathF.Round(ws / 2, MidpointRounding.ToEven);
                result[k++] = MathF.Round(hs / 2, MidpointRounding.ToEven);
            }
        }
        return result;
    }

    /// <summary>All anchors for a padded batch of size (height, width) and the feature map sizes of each level.</summary>
    public AnchorSet Generate(int paddedHeight, int paddedWidth, IReadOnlyList<(int H, int W)> featureSizes)
    {
        if (featureSizes.Count != _cellAnchors.Length)
            throw new ArgumentException($"Expected {_cellAnchors.Length} feature levels, got {featureSizes.Count}.");
        var key = $"{paddedHeight}x{paddedWidth}:" + string.Join(",", featureSizes.Select(f => $"{f.H}x{f.W}"));
        lock (_gate)
        {
            if (_cache.TryGetValue(key, out var cached)) return cached;
        }
        var counts = new int[featureSizes.Count];
        int total = 0;
        for (int l = 0; l < counts.Length; l++)
        {
            counts[l] = featureSizes[l].H * featureSizes[l].W * (_cellAnchors[l].Length / 4);
            total += counts[l];
        }
        var boxes = new float[total * 4];
        int at = 0;
        for (int l = 0; l < counts.Length; l++)
        {
            var (gh, gw) = featureSizes[l];
            int strideY = paddedHeight / gh, strideX = paddedWidth / gw;
            var cell = _cellAnchors[l];
            for (int y = 0; y < gh; y++)
            {
                float sy = y * strideY;
                for (int x = 0; x < gw; x++)
                {
                    float sx = x * strideX;
                    for (int a = 0; a < cell.Length; a += 4)
                    {
                        boxes[at++] = sx + cell[a];
                        boxes[at++] = sy + cell[a + 1];
                        boxes[at++] = sx + cell[a + 2];
                        boxes[at++] = sy + cell[a + 3];
                    }
                }
            }
        }
        var set = new AnchorSet(boxes, counts);
        lock (_gate)
        {
            if (_cache.Count > 64) _cache.Clear();
            _cache[key] = set;
        }
        return set;
    }
}

/// <summary>Anchors of one image size: four floats per anchor, with the count of each level.</summary>
public sealed record AnchorSet(float[] Boxes, int[] LevelCounts)
{
    public int Count => Boxes.Length / 4;
}
