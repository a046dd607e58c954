namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// Decides where objects may go and tracks what stays visible of each. Objects are stacked in the order
/// they are placed; a new one hides the coverage of those below (visible = coverage × Π(1 − coverage of
/// every later object), the same weights the blending gives). A placement is refused when it would leave
/// an earlier object less visible than the settings allow, so every object drawn can be annotated.
/// </summary>
internal sealed class ObjectLayout
{
    private readonly SyntheticSettings _settings;
    private readonly List<CoverageMask> _full = [];
    private readonly List<CoverageMask> _visible = [];
    private readonly List<int> _fullCounts = [];

    public ObjectLayout(SyntheticSettings settings) => _settings = settings;

    public int Count => _full.Count;

    /// <summary>The object's own coverage, as rasterised.</summary>
    public CoverageMask FullMask(int i) => _full[i];

    /// <summary>The object's coverage after everything placed above it.</summary>
    public CoverageMask VisibleMask(int i) => _visible[i];

    /// <summary>Pixels at or above the coverage threshold before occlusion.</summary>
    public int FullCount(int i) => _fullCounts[i];

    /// <summary>
    /// Cheap test before rasterising: without occlusion, a candidate whose mask rectangle meets an earlier
    /// one is refused (mask rectangles carry an empty margin, so accepted objects never touch).
    /// </summary>
    public bool MayPlace(PixelBox bounds)
    {
        if (_settings.AllowOcclusion) return true;
        foreach (var mask in _full)
            if (mask.Bounds.Intersects(bounds)) return false;
        return true;
    }

    /// <summary>Places the candidate on top when the settings allow it; otherwise leaves the layout unchanged.</summary>
    public bool TryPlace(CoverageMask candidate, int candidateCount)
    {
        if (!MayPlace(candidate.Bounds)) return false;
        if (_settings.AllowOcclusion)
        {
            for (int i = 0; i < _visible.Count; i++)
            {
                if (!_visible[i].Bounds.Intersects(candidate.Bounds)) continue;
                var (box, count) = MeasureUnder(_visible[i], candidate);
                if (count < _settings.MinVisibleFraction * _fullCounts[i]) return false;
                if (Math.Min(box.Width, box.Height) < _settings.MinVisibleSize) return false;
            }
            foreach (var visible in _visible) Occlude(visible, candidate);
        }
        _full.Add(candidate);
        _visible.Add(candidate.Clone());
        _fullCounts.Add(candidateCount);
        return true;
    }

    /// <summary>The visible box and pixel count of <paramref name="visible"/> if <paramref name="top"/> were placed over it.</summary>
    private static (PixelBox Box, int Count) MeasureUnder(CoverageMask visible, CoverageMask top)
    {
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1, count = 0;
        for (int ly = 0; ly < visible.Height; ly++)
        {
            int y = visible.Y + ly;
            var row = visible.Values.AsSpan(ly * visible.Width, visible.Width);
            for (int lx = 0; lx < row.Length; lx++)
            {
                float v = row[lx] * (1f - top[visible.X + lx, y]);
                if (v < CoverageMask.Threshold) continue;
                count++;
                minX = Math.Min(minX, lx); maxX = Math.Max(maxX, lx);
                minY = Math.Min(minY, ly); maxY = ly;
            }
        }
        if (count == 0) return (default, 0);
        return (new PixelBox(visible.X + minX, visible.Y + minY, maxX - minX + 1, maxY - minY + 1), count);
    }

    private static void Occlude(CoverageMask visible, CoverageMask top)
    {
        int x0 = Math.Max(visible.X, top.X), x1 = Math.Min(visible.X + visible.Width, top.X + top.Width);
        int y0 = Math.Max(visible.Y, top.Y), y1 = Math.Min(visible.Y + visible.Height, top.Y + top.Height);
        for (int y = y0; y < y1; y++)
        {
            var row = visible.Values.AsSpan((y - visible.Y) * visible.Width, visible.Width);
            var cover = top.Values.AsSpan((y - top.Y) * top.Width, top.Width);
            for (int x = x0; x < x1; x++) row[x - visible.X] *= 1f - cover[x - top.X];
        }
    }
}
