using System.Runtime.CompilerServices;

namespace RetinaSharp.Imaging.Jpeg;

/// <summary>
/// Decodes the entropy-coded data of one scan (T.81 annexes F and G): sequential scans straight to
/// samples, progressive scans into the stored coefficients. Restart markers are checked and, when
/// they are damaged or missing, the decoder resynchronises the way libjpeg does; segments whose data
/// runs out are left as they are (grey for sequential scans) instead of failing the image.
/// </summary>
/// <remarks>
/// The decoder's hot loops are marked for full optimisation from their first call: a dataset
/// loader needs speed from the first image, and these loops gain nothing from tiered profiling.
/// </remarks>
internal static class JpegScanDecoder
{
    private enum Mode { Sequential, DcFirst, DcRefine, AcFirst, AcRefine }

    /// <summary>Decodes the scan whose data starts at <paramref name="position"/>.</summary>
    /// <returns>Where to look for the next marker.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Decode(ReadOnlySpan<byte> data, int position, JpegFrame frame, JpegScan scan, int restartInterval)
    {
        var components = scan.Components;
        bool single = components.Length == 1;
        var first = components[0];
        int mcusPerLine = single ? first.BlocksPerLine : frame.McusPerLine;
        int mcuCount = single ? first.BlocksPerLine * first.BlocksPerColumn : frame.McusPerLine * frame.McusPerColumn;
        Mode mode = !frame.Progressive ? Mode.Sequential
            : scan.SpectralStart == 0 ? (scan.ApproximationHigh == 0 ? Mode.DcFirst : Mode.DcRefine)
            : scan.ApproximationHigh == 0 ? Mode.AcFirst : Mode.AcRefine;

        var reader = new JpegBitReader(data, position);
        Span<int> work = stackalloc int[64];
        foreach (var c in components) c.DcPredictor = 0;
        int eobRun = 0;
        int expectedRestart = 0;
        int mcu = 0;
        while (true)
        {
            int end = restartInterval > 0 ? (int)Math.Min(mcuCount, (long)mcu + restartInterval) : mcuCount;
            // Once the segment's data has run out, the rest of it is skipped: its blocks keep what
            // they had, as in libjpeg, and no time is spent decoding padding.
            for (; mcu < end && !reader.Overrun; mcu++)
            {
                int mcuX = mcu % mcusPerLine;
                int mcuY = mcu / mcusPerLine;
                switch (mode)
                {
                    case Mode.AcFirst:
                        eobRun = DecodeAcFirst(ref reader, first, Block(first, mcuX, mcuY), scan, eobRun);
                        break;
                    case Mode.AcRefine:
                        eobRun = DecodeAcRefine(ref reader, first, Block(first, mcuX, mcuY), scan, eobRun);
                        break;
                    default:
                        foreach (var c in components)
                        {
                            int h = single ? 1 : c.HorizontalSampling;
                            int v = single ? 1 : c.VerticalSampling;
                            for (int by = 0; by < v; by++)
                            {
                                for (int bx = 0; bx < h; bx++)
                                {
                                    int blockX = mcuX * h + bx;
                                    int blockY = mcuY * v + by;
                                    if (mode == Mode.Sequential) DecodeSequential(ref reader, c, blockX, blockY, work);
                                    else if (mode == Mode.DcFirst) DecodeDcFirst(ref reader, c, Block(c, blockX, blockY), scan.ApproximationLow);
                                    else DecodeDcRefine(ref reader, c, Block(c, blockX, blockY), scan.ApproximationLow);
                                }
                            }
                        }
                        break;
                }
            }
            if (end >= mcuCount) return reader.Position;
            mcu = end;
            int stop = Resynchronise(data, ref reader, ref expectedRestart);
            if (stop >= 0) return stop;
            foreach (var c in components) c.DcPredictor = 0;
            eobRun = 0;
        }
    }

    private static Span<short> Block(JpegComponent c, int blockX, int blockY) =>
        c.Coefficients.AsSpan((blockY * c.StoredBlocksPerLine + blockX) * 64, 64);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DecodeSequential(ref JpegBitReader reader, JpegComponent c, int blockX, int blockY, scoped Span<int> work)
    {
        var q = c.Quantization!;
        var ac = c.AcTable!;
        ReadOnlySpan<byte> natural = JpegZigZag.ToNatural;
        work.Clear();
        int size = reader.DecodeHuffman(c.DcTable!);
        if (size != 0) c.DcPredictor += reader.ReceiveExtend(size);
        // libjpeg keeps coefficients as 16-bit values; a corrupt DC sum wraps the same way here.
        work[0] = (short)c.DcPredictor * q[0];
        bool hasAc = false;
        for (int k = 1; k < 64; k++)
        {
            int symbol = reader.DecodeHuffman(ac);
            int run = symbol >> 4;
            size = symbol & 15;
            if (size == 0)
            {
                if (run != 15) break;   // end of block
                k += 15;                // sixteen zeros
                continue;
            }
            // A corrupt run can step past the end; like libjpeg, such a value lands on the last coefficient.
            k = Math.Min(k + run, 63);
            work[natural[k]] = reader.ReceiveExtend(size) * q[k];
            hasAc = true;
        }
        int stride = c.Stride;
        var output = c.Samples.AsSpan(blockY * 8 * stride + blockX * 8);
        if (hasAc) JpegIdct.Transform(work, output, stride);
        else JpegIdct.TransformDcOnly(work[0], output, stride);
    }

    private static void DecodeDcFirst(ref JpegBitReader reader, JpegComponent c, Span<short> block, int al)
    {
        int size = reader.DecodeHuffman(c.DcTable!);
        if (size != 0) c.DcPredictor += reader.ReceiveExtend(size);
        block[0] = (short)(c.DcPredictor << al);
    }

    private static void DecodeDcRefine(ref JpegBitReader reader, JpegComponent c, Span<short> block, int al)
    {
        if (reader.ReadBit() != 0) block[0] |= (short)(1 << al);
    }

    /// <summary>First pass over a band of AC coefficients (T.81 G.1.2.2). Returns the end-of-band run left after this block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DecodeAcFirst(ref JpegBitReader reader, JpegComponent c, Span<short> block, JpegScan scan, int eobRun)
    {
        if (eobRun > 0) return eobRun - 1;
        var ac = c.AcTable!;
        int end = scan.SpectralEnd;
        int al = scan.ApproximationLow;
        for (int k = scan.SpectralStart; k <= end; k++)
        {
            int symbol = reader.DecodeHuffman(ac);
            int run = symbol >> 4;
            int size = symbol & 15;
            if (size == 0)
            {
                if (run == 15)
                {
                    k += 15;
                    continue;
                }
                // EOBn: this block and the next 2^n − 1 + (n extra bits) blocks end here.
                int blocks = 1 << run;
                if (run > 0) blocks += reader.ReadBits(run);
                return blocks - 1;
            }
            k = Math.Min(k + run, 63);
            block[k] = (short)(reader.ReceiveExtend(size) << al);
        }
        return 0;
    }

    /// <summary>
    /// Refinement pass over a band (T.81 G.1.2.3): one correction bit for every coefficient that is
    /// already non-zero, and newly non-zero coefficients of magnitude 1 at this bit position.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DecodeAcRefine(ref JpegBitReader reader, JpegComponent c, Span<short> block, JpegScan scan, int eobRun)
    {
        int end = scan.SpectralEnd;
        int bit = 1 << scan.ApproximationLow;
        int k = scan.SpectralStart;
        if (eobRun == 0)
        {
            var ac = c.AcTable!;
            while (k <= end)
            {
                int symbol = reader.DecodeHuffman(ac);
                int run = symbol >> 4;
                int size = symbol & 15;
                int value = 0;
                if (size != 0)
                {
                    // The size is 1 in valid data; only the sign bit follows.
                    value = reader.ReadBit() != 0 ? bit : -bit;
                }
                else if (run != 15)
                {
                    eobRun = 1 << run;
                    if (run > 0) eobRun += reader.ReadBits(run);
                    break;
                }
                // Pass `run` coefficients that are still zero (correcting non-zero ones on the way),
                // then place the new value, if any, on the next zero one.
                while (k <= end)
                {
                    ref short coef = ref block[k];
                    k++;
                    if (coef != 0)
                    {
                        Refine(ref reader, ref coef, bit);
                    }
                    else if (run-- == 0)
                    {
                        if (value != 0) coef = (short)value;
                        break;
                    }
                }
            }
            if (eobRun == 0) return 0;
        }
        // Inside an end-of-band run: only corrections for the non-zero coefficients remain.
        var rest = block[k..(end + 1)];
        int next;
        while ((next = rest.IndexOfAnyExcept((short)0)) >= 0)
        {
            Refine(ref reader, ref rest[next], bit);
            rest = rest[(next + 1)..];
        }
        return eobRun - 1;
    }

    private static void Refine(ref JpegBitReader reader, ref short coef, int bit)
    {
        if (reader.ReadBit() != 0 && (coef & bit) == 0)
            coef = (short)(coef >= 0 ? coef + bit : coef - bit);
    }

    /// <summary>
    /// Handles the restart marker expected at the end of an interval, positioning the reader for
    /// the next interval. Returns -1 to go on with the scan (the next interval may have no data),
    /// or the position of the marker that ends it (the data length if none is left).
    /// </summary>
    private static int Resynchronise(ReadOnlySpan<byte> data, ref JpegBitReader reader, ref int expected)
    {
        int pos = JpegMarker.Find(data, reader.Position);
        while (pos >= 0)
        {
            int code = data[pos + 1];
            if (JpegMarker.IsRestart(code))
            {
                int ahead = (code - JpegMarker.Rst0 - expected) & 7;
                expected = (expected + 1) & 7;
                if (ahead is 1 or 2)
                {
                    // The expected marker is missing and this one belongs to a later interval:
                    // the current interval has no data; keep the marker for the next boundary.
                    reader.RestartAtMarker(pos);
                    return -1;
                }
                if (ahead is 6 or 7)
                {
                    // A stale marker from an interval already handled: skip it and look again.
                    expected = (expected + 7) & 7;
                    pos = JpegMarker.Find(data, pos + 2);
                    continue;
                }
                // The expected marker, or one too far off to reason about: take it as the expected one.
                reader.Restart(pos + 2);
                return -1;
            }
            if (code < JpegMarker.Sof0)
            {
                // TEM or a reserved code: no segment starts with it, so treat it as junk.
                pos = JpegMarker.Find(data, pos + 2);
                continue;
            }
            return EndOfScanData(ref reader, pos);
        }
        return EndOfScanData(ref reader, data.Length);
    }

    /// <summary>
    /// The next segment's marker (or the end of the data) came where a restart marker should be, so
    /// the scan's remaining intervals have no data. libjpeg still decodes the first MCU of the next
    /// interval, from zero bits, when the previous interval ended without running out; do the same
    /// (returning -1 to continue), and stop the scan at the next boundary.
    /// </summary>
    private static int EndOfScanData(ref JpegBitReader reader, int pos)
    {
        if (reader.Overrun) return pos;
        reader.RestartAtMarker(pos);
        return -1;
    }
}
