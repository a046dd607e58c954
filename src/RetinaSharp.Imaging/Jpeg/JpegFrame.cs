namespace RetinaSharp.Imaging.Jpeg;

/// <summary>What a SOFn segment declares: coding process, size and components.</summary>
internal sealed class JpegFrame
{
    public JpegFrame(bool progressive, int width, int height, JpegComponent[] components)
    {
        Progressive = progressive;
        Width = width;
        Height = height;
        Components = components;
        foreach (var c in components)
        {
            MaxHorizontalSampling = Math.Max(MaxHorizontalSampling, c.HorizontalSampling);
            MaxVerticalSampling = Math.Max(MaxVerticalSampling, c.VerticalSampling);
        }
        McusPerLine = (width + 8 * MaxHorizontalSampling - 1) / (8 * MaxHorizontalSampling);
        McusPerColumn = (height + 8 * MaxVerticalSampling - 1) / (8 * MaxVerticalSampling);
        foreach (var c in components)
            c.SetGeometry(width, height, MaxHorizontalSampling, MaxVerticalSampling, McusPerLine, McusPerColumn);
    }

    public bool Progressive { get; }
    public int Width { get; }
    public int Height { get; }
    public JpegComponent[] Components { get; }
    public int MaxHorizontalSampling { get; }
    public int MaxVerticalSampling { get; }

    /// <summary>MCUs per line of an interleaved scan.</summary>
    public int McusPerLine { get; }

    /// <summary>MCU rows of an interleaved scan.</summary>
    public int McusPerColumn { get; }
}
