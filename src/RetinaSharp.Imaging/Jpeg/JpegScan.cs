namespace RetinaSharp.Imaging.Jpeg;

/// <summary>What an SOS segment declares: the components in the scan and, for progressive scans, the band and bit positions.</summary>
internal sealed class JpegScan
{
    public JpegScan(JpegComponent[] components, int spectralStart, int spectralEnd, int approximationHigh, int approximationLow)
    {
        Components = components;
        SpectralStart = spectralStart;
        SpectralEnd = spectralEnd;
        ApproximationHigh = approximationHigh;
        ApproximationLow = approximationLow;
    }

    public JpegComponent[] Components { get; }

    /// <summary>Ss: first zig-zag index coded in the scan.</summary>
    public int SpectralStart { get; }

    /// <summary>Se: last zig-zag index coded in the scan.</summary>
    public int SpectralEnd { get; }

    /// <summary>Ah: the bit position of the previous pass over this band, 0 for a first pass.</summary>
    public int ApproximationHigh { get; }

    /// <summary>Al: the bit position this scan codes down to.</summary>
    public int ApproximationLow { get; }
}
