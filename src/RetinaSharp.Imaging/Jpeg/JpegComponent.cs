namespace RetinaSharp.Imaging.Jpeg;

/// <summary>One colour component of a frame: its sampling, geometry and decoded data.</summary>
internal sealed class JpegComponent
{
    public JpegComponent(int id, int horizontalSampling, int verticalSampling, int quantizationTableId)
    {
        Id = id;
        HorizontalSampling = horizontalSampling;
        VerticalSampling = verticalSampling;
        QuantizationTableId = quantizationTableId;
    }

    public int Id { get; }
    public int HorizontalSampling { get; }
    public int VerticalSampling { get; }
    public int QuantizationTableId { get; }

    /// <summary>Samples per line actually covered by the image: ceil(width · h / hmax).</summary>
    public int Width { get; private set; }

    /// <summary>Lines actually covered by the image: ceil(height · v / vmax).</summary>
    public int Height { get; private set; }

    /// <summary>Blocks per line in a scan of this component alone (ceil(Width / 8)).</summary>
    public int BlocksPerLine { get; private set; }

    /// <summary>Block rows in a scan of this component alone (ceil(Height / 8)).</summary>
    public int BlocksPerColumn { get; private set; }

    /// <summary>Blocks per line of the stored data: whole MCUs, so at least <see cref="BlocksPerLine"/>.</summary>
    public int StoredBlocksPerLine { get; private set; }

    /// <summary>Block rows of the stored data: whole MCUs, so at least <see cref="BlocksPerColumn"/>.</summary>
    public int StoredBlocksPerColumn { get; private set; }

    /// <summary>Bytes per line of <see cref="Samples"/>.</summary>
    public int Stride => StoredBlocksPerLine * 8;

    /// <summary>Decoded samples, <see cref="Stride"/> × StoredBlocksPerColumn·8 (allocated at the first scan).</summary>
    public byte[]? Samples { get; set; }

    /// <summary>
    /// Progressive mode only: the quantised coefficients of every stored block, 64 per block in
    /// zig-zag order, so that a spectral band is a contiguous run.
    /// </summary>
    public short[]? Coefficients { get; set; }

    /// <summary>The quantisation table (zig-zag order) in force at this component's first scan.</summary>
    public ushort[]? Quantization { get; set; }

    public JpegHuffmanTable? DcTable { get; set; }
    public JpegHuffmanTable? AcTable { get; set; }

    /// <summary>DC prediction: the previous block's DC value in this component (T.81 F.2.1.3.1).</summary>
    public int DcPredictor;

    public void SetGeometry(int imageWidth, int imageHeight, int maxH, int maxV, int mcusPerLine, int mcusPerColumn)
    {
        Width = CeilDiv(imageWidth * HorizontalSampling, maxH);
        Height = CeilDiv(imageHeight * VerticalSampling, maxV);
        BlocksPerLine = CeilDiv(Width, 8);
        BlocksPerColumn = CeilDiv(Height, 8);
        StoredBlocksPerLine = mcusPerLine * HorizontalSampling;
        StoredBlocksPerColumn = mcusPerColumn * VerticalSampling;
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
