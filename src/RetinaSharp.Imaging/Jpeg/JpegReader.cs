using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace RetinaSharp.Imaging.Jpeg;

/// <summary>
/// Walks a JPEG file's markers (T.81 annex B), collects tables and the frame header, decodes each
/// scan as it comes and finally turns the component samples into RGB. One instance per file.
/// </summary>
internal sealed class JpegReader
{
    /// <summary>
    /// More scans than any encoder writes; the cap bounds the work a small hostile progressive file
    /// can demand, since every scan may touch every block of the image.
    /// </summary>
    public const int MaxScans = 500;

    private readonly ImageDecodeOptions _options;
    private readonly JpegHuffmanTable?[] _dcTables = new JpegHuffmanTable?[4];
    private readonly JpegHuffmanTable?[] _acTables = new JpegHuffmanTable?[4];
    private readonly ushort[]?[] _quantizationTables = new ushort[]?[4];
    private JpegFrame? _frame;
    private int _restartInterval;
    private int _scanCount;
    private bool _sawJfif;
    private int _adobeTransform = -1;

    public JpegReader(ImageDecodeOptions options) => _options = options;

    /// <summary>Offset and length of the TIFF data in the first Exif APP1 segment, if any.</summary>
    public (int Offset, int Length)? Exif { get; private set; }

    /// <summary>
    /// Decodes the whole file. Memory grows with the declared size W×H only. With S = (W+16)·(H+16):
    /// the RGB result takes 3·W·H bytes; the component samples at most 3·S bytes and, for
    /// progressive files, their coefficients at most 6·S bytes, both doubled at worst by the pool's
    /// power-of-two rounding; so less than 21·S bytes in all, plus a few kilobytes of tables and row
    /// buffers. W and H are checked against the options, and against the length of the file (at
    /// least one bit per 8×8 block), before anything large is allocated, which happens at the first scan.
    /// </summary>
    public RgbImage Decode(ReadOnlySpan<byte> data)
    {
        try
        {
            return DecodeFile(data);
        }
        finally
        {
            Release();
        }
    }

    private RgbImage DecodeFile(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || data[0] != 0xFF || data[1] != JpegMarker.Soi)
            throw new InvalidImageException("Not a JPEG file: it does not start with an SOI marker (FF D8).");
        int pos = 2;
        while (true)
        {
            int marker = JpegMarker.Find(data, pos);
            if (marker < 0) break;   // the data ends without EOI
            int code = data[marker + 1];
            pos = marker + 2;
            if (code == JpegMarker.Eoi) break;
            if (code == JpegMarker.Soi) throw new InvalidImageException($"Second SOI marker at offset {marker}.");
            if (JpegMarker.IsRestart(code) || code == JpegMarker.Tem) continue;   // no parameters, nothing to do
            if (JpegMarker.UnsupportedFrameDescription(code) is { } unsupported)
                throw new InvalidImageException($"Unsupported JPEG: {unsupported} is not supported.");
            if (code < JpegMarker.Sof0)
                throw new InvalidImageException($"Unknown JPEG marker FF {code:X2} at offset {marker}.");

            // A file cut off inside a segment after some image data has been decoded is treated
            // like one cut off inside a scan: the image is built from what arrived, as libjpeg does.
            if (pos + 2 > data.Length)
            {
                if (_scanCount > 0) break;
                throw new InvalidImageException($"JPEG data ends inside the {Name(code)} marker at offset {marker}.");
            }
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length >= 2 && pos + length > data.Length && _scanCount > 0) break;
            if (length < 2 || pos + length > data.Length)
                throw new InvalidImageException($"{Name(code)} segment at offset {marker} has length {length} but only {data.Length - pos} bytes remain.");
            var segment = data.Slice(pos + 2, length - 2);
            pos += length;

            switch (code)
            {
                case JpegMarker.Sof0:
                case JpegMarker.Sof1:
                case JpegMarker.Sof2:
                    ReadFrame(segment, code == JpegMarker.Sof2, data.Length - pos);
                    break;
                case JpegMarker.Dht:
                    ReadHuffmanTables(segment);
                    break;
                case JpegMarker.Dqt:
                    ReadQuantizationTables(segment);
                    break;
                case JpegMarker.Dri:
                    if (segment.Length != 2) throw new InvalidImageException($"DRI segment has {segment.Length} bytes of parameters; 2 expected.");
                    _restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case JpegMarker.Sos:
                    var scan = ReadScanHeader(segment);
                    pos = JpegScanDecoder.Decode(data, pos, _frame!, scan, _restartInterval);
                    break;
                case JpegMarker.App0:
                    if (segment.Length >= 5 && segment[..5].SequenceEqual("JFIF\0"u8)) _sawJfif = true;
                    break;
                case JpegMarker.App1:
                    if (Exif is null && segment.Length >= 6 && segment[..6].SequenceEqual("Exif\0\0"u8))
                        Exif = (pos - length + 2 + 6, segment.Length - 6);
                    break;
                case JpegMarker.App14:
                    if (segment.Length >= 12 && segment[..5].SequenceEqual("Adobe"u8)) _adobeTransform = segment[11];
                    break;
                default:
                    // Other APPn, COM, DNL, DAC and JPGn extension segments carry nothing we use.
                    break;
            }
        }
        if (_frame is null) throw new InvalidImageException("JPEG has no frame header (SOF marker).");
        if (_scanCount == 0) throw new InvalidImageException("JPEG has no image data (no SOS marker).");
        return BuildImage(_frame);
    }

    private static string Name(int code) => code switch
    {
        JpegMarker.Dht => "DHT",
        JpegMarker.Dqt => "DQT",
        JpegMarker.Dri => "DRI",
        JpegMarker.Sos => "SOS",
        JpegMarker.Com => "COM",
        JpegMarker.Dnl => "DNL",
        JpegMarker.Dac => "DAC",
        >= JpegMarker.Sof0 and <= 0xCF => $"SOF{code - JpegMarker.Sof0}",
        >= JpegMarker.App0 and <= JpegMarker.App15 => $"APP{code - JpegMarker.App0}",
        _ => $"FF {code:X2}",
    };

    private void ReadFrame(ReadOnlySpan<byte> s, bool progressive, int bytesAfterHeader)
    {
        if (_frame is not null) throw new InvalidImageException("JPEG has more than one frame header (SOF marker).");
        if (s.Length < 6) throw new InvalidImageException($"SOF segment is too short ({s.Length} bytes of parameters).");
        int precision = s[0];
        int height = BinaryPrimitives.ReadUInt16BigEndian(s[1..]);
        int width = BinaryPrimitives.ReadUInt16BigEndian(s[3..]);
        int count = s[5];
        if (precision != 8)
            throw new InvalidImageException($"Unsupported JPEG: {precision}-bit sample precision is not supported (only 8-bit).");
        if (count == 4)
            throw new InvalidImageException("Unsupported JPEG: 4-component (CMYK or YCCK) images are not supported.");
        if (count != 1 && count != 3)
            throw new InvalidImageException($"Unsupported JPEG: {count}-component images are not supported (only 1 for grayscale and 3 for colour).");
        if (s.Length != 6 + 3 * count)
            throw new InvalidImageException($"SOF segment has {s.Length} bytes of parameters; {6 + 3 * count} expected for {count} components.");
        if (height == 0)
            throw new InvalidImageException("Unsupported JPEG: image height 0 in the frame header (height given later by a DNL marker) is not supported.");
        if (width == 0) throw new InvalidImageException("JPEG frame header declares an image width of 0.");
        if (width > _options.MaxDimension || height > _options.MaxDimension)
            throw new InvalidImageException($"JPEG image is {width}x{height}, larger than the limit of {_options.MaxDimension} pixels per side.");
        if ((long)width * height > _options.MaxPixels)
            throw new InvalidImageException($"JPEG image is {width}x{height} = {(long)width * height} pixels, more than the limit of {_options.MaxPixels}.");
        // Whatever the options allow, the result and each component's samples must fit in one array.
        if (3L * (width + 16) * (height + 16) > Array.MaxLength)
            throw new InvalidImageException($"JPEG image is {width}x{height}, too large to hold in memory as one RGB array.");

        var components = new JpegComponent[count];
        for (int i = 0; i < count; i++)
        {
            int id = s[6 + 3 * i];
            int h = s[7 + 3 * i] >> 4;
            int v = s[7 + 3 * i] & 15;
            int tq = s[8 + 3 * i];
            for (int j = 0; j < i; j++)
                if (components[j].Id == id) throw new InvalidImageException($"JPEG frame header lists component id {id} twice.");
            if (h == 0 || v == 0 || h > 4 || v > 4)
                throw new InvalidImageException($"JPEG component {id} has invalid sampling factors {h}x{v}.");
            if (h > 2 || v > 2)
                throw new InvalidImageException($"Unsupported JPEG: sampling factors {h}x{v} (component {id}) are not supported; at most 2 per axis.");
            if (tq > 3) throw new InvalidImageException($"JPEG component {id} refers to quantization table {tq}; only 0 to 3 exist.");
            components[i] = new JpegComponent(id, h, v, tq);
        }
        var frame = new JpegFrame(progressive, width, height, components);

        // Every block costs at least one bit in a complete file (a DC code), so a file shorter than
        // that cannot hold the image it declares; refusing it here stops a few bytes from
        // demanding a large allocation.
        long blocks = 0;
        foreach (var c in components) blocks += (long)c.BlocksPerLine * c.BlocksPerColumn;
        if ((long)bytesAfterHeader * 8 < blocks)
            throw new InvalidImageException($"JPEG data is too short for a {width}x{height} image: {bytesAfterHeader} bytes follow the frame header, but its {blocks} blocks need at least {(blocks + 7) / 8}.");
        _frame = frame;
    }

    private void ReadHuffmanTables(ReadOnlySpan<byte> s)
    {
        while (s.Length > 0)
        {
            if (s.Length < 17) throw new InvalidImageException("DHT segment ends inside a table header.");
            int tableClass = s[0] >> 4;
            int slot = s[0] & 15;
            if (tableClass > 1 || slot > 3)
                throw new InvalidImageException($"DHT defines table class {tableClass}, id {slot}; only classes 0 (DC) and 1 (AC) and ids 0 to 3 exist.");
            var counts = s.Slice(1, 16);
            int total = 0;
            foreach (var n in counts) total += n;
            string name = $"Huffman table ({(tableClass == 0 ? "DC" : "AC")} {slot})";
            if (17 + total > s.Length)
                throw new InvalidImageException($"{name} declares {total} codes but the DHT segment ends after {s.Length - 17}.");
            var table = JpegHuffmanTable.Create(counts, s.Slice(17, total), tableClass == 0, name);
            (tableClass == 0 ? _dcTables : _acTables)[slot] = table;
            s = s[(17 + total)..];
        }
    }

    private void ReadQuantizationTables(ReadOnlySpan<byte> s)
    {
        while (s.Length > 0)
        {
            int precision = s[0] >> 4;
            int slot = s[0] & 15;
            if (precision > 1 || slot > 3)
                throw new InvalidImageException($"DQT defines table id {slot} with precision code {precision}; only ids 0 to 3 and precision 0 (8-bit) or 1 (16-bit) exist.");
            int size = 1 + 64 * (precision + 1);
            if (s.Length < size) throw new InvalidImageException($"DQT segment ends inside quantization table {slot}.");
            var table = new ushort[64];
            for (int k = 0; k < 64; k++)
                table[k] = precision == 0 ? s[1 + k] : BinaryPrimitives.ReadUInt16BigEndian(s[(1 + 2 * k)..]);
            _quantizationTables[slot] = table;
            s = s[size..];
        }
    }

    private JpegScan ReadScanHeader(ReadOnlySpan<byte> s)
    {
        var frame = _frame ?? throw new InvalidImageException("SOS marker before the frame header (SOF marker).");
        if (++_scanCount > MaxScans) throw new InvalidImageException($"JPEG has more than {MaxScans} scans.");
        if (s.Length < 1) throw new InvalidImageException("SOS segment is empty.");
        int count = s[0];
        if (count < 1 || count > frame.Components.Length)
            throw new InvalidImageException($"SOS lists {count} components; the frame has {frame.Components.Length}.");
        if (s.Length != 4 + 2 * count)
            throw new InvalidImageException($"SOS segment has {s.Length} bytes of parameters; {4 + 2 * count} expected for {count} components.");
        int ss = s[1 + 2 * count];
        int se = s[2 + 2 * count];
        int ah = s[3 + 2 * count] >> 4;
        int al = s[3 + 2 * count] & 15;
        if (frame.Progressive) CheckProgression(ss, se, ah, al, count);
        // Sequential scans must say Ss=0, Se=63, Ah=Al=0, but some encoders write zeros there;
        // like libjpeg, ignore the fields rather than refuse such files.

        var components = new JpegComponent[count];
        for (int i = 0; i < count; i++)
        {
            int id = s[1 + 2 * i];
            int td = s[2 + 2 * i] >> 4;
            int ta = s[2 + 2 * i] & 15;
            JpegComponent? c = null;
            foreach (var candidate in frame.Components)
                if (candidate.Id == id) c = candidate;
            if (c is null) throw new InvalidImageException($"SOS refers to component id {id}, which the frame header does not declare.");
            if (Array.IndexOf(components, c, 0, i) >= 0)
                throw new InvalidImageException($"SOS lists component id {id} twice.");
            components[i] = c;
            bool needsDc = !frame.Progressive || (ss == 0 && ah == 0);
            bool needsAc = !frame.Progressive || ss > 0;
            if (needsDc) c.DcTable = HuffmanTable(isDc: true, td, id);
            if (needsAc) c.AcTable = HuffmanTable(isDc: false, ta, id);
            if (c.Quantization is null)
            {
                // Coefficients are dequantised with the table in force at the component's first scan,
                // even if a later DQT redefines it (as libjpeg does).
                var q = _quantizationTables[c.QuantizationTableId]
                    ?? throw new InvalidImageException($"Component {id} uses quantization table {c.QuantizationTableId}, which is not defined.");
                c.Quantization = (ushort[])q.Clone();
            }
        }
        if (_scanCount == 1) Allocate(frame);
        return new JpegScan(components, ss, se, ah, al);
    }

    private static void CheckProgression(int ss, int se, int ah, int al, int count)
    {
        if (ss == 0 && se != 0)
            throw new InvalidImageException($"Progressive scan mixes DC and AC coefficients (Ss=0, Se={se}).");
        if (ss > 0 && (se < ss || se > 63))
            throw new InvalidImageException($"Progressive scan has an invalid spectral band Ss={ss}, Se={se}.");
        if (ss > 0 && count != 1)
            throw new InvalidImageException($"Progressive AC scan (Ss={ss}) lists {count} components; AC scans hold exactly one.");
        if (ah != 0 && al != ah - 1)
            throw new InvalidImageException($"Progressive refinement scan has inconsistent bit positions Ah={ah}, Al={al} (Al must be Ah-1).");
        if (al > 13)
            throw new InvalidImageException($"Progressive scan has bit position Al={al}; at most 13 is possible for 8-bit samples.");
    }

    private JpegHuffmanTable HuffmanTable(bool isDc, int slot, int componentId)
    {
        string kind = isDc ? "DC" : "AC";
        if (slot > 3) throw new InvalidImageException($"SOS assigns {kind} Huffman table {slot} to component {componentId}; only 0 to 3 exist.");
        return (isDc ? _dcTables : _acTables)[slot]
            ?? JpegStandardHuffmanTables.For(isDc, slot)
            ?? throw new InvalidImageException($"Component {componentId} uses {kind} Huffman table {slot}, which is not defined.");
    }

    /// <summary>Buffers up to this size come from the shared pool; larger ones are allocated for the image alone.</summary>
    private const int MaxPooledLength = 16 << 20;

    /// <summary>
    /// Gets the component buffers. Small and medium ones come from the shared pool, because a fresh
    /// large array per image costs more in page faults and zeroing than decoding a photo does; the
    /// pool rounds lengths up to a power of two. <see cref="Release"/> hands them back.
    /// </summary>
    private static void Allocate(JpegFrame frame)
    {
        foreach (var c in frame.Components)
        {
            int samples = c.Stride * c.StoredBlocksPerColumn * 8;
            c.Samples = samples <= MaxPooledLength ? ArrayPool<byte>.Shared.Rent(samples) : GC.AllocateUninitializedArray<byte>(samples);
            if (frame.Progressive)
            {
                c.Coefficients = samples <= MaxPooledLength / 2 ? ArrayPool<short>.Shared.Rent(samples) : new short[samples];
                c.Coefficients.AsSpan(0, samples).Clear();
                // The samples need no initial value: the final transform writes every block.
            }
            else
            {
                // Blocks a truncated file never reaches stay mid-grey, which is what libjpeg shows.
                c.Samples.AsSpan(0, samples).Fill(128);
            }
        }
    }

    private void Release()
    {
        if (_frame is null) return;
        foreach (var c in _frame.Components)
        {
            if (c.Samples is { Length: <= MaxPooledLength } samples) ArrayPool<byte>.Shared.Return(samples);
            if (c.Coefficients is { Length: <= MaxPooledLength / 2 } coefficients) ArrayPool<short>.Shared.Return(coefficients);
            c.Samples = null;
            c.Coefficients = null;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private RgbImage BuildImage(JpegFrame frame)
    {
        if (frame.Progressive) TransformCoefficients(frame);
        int width = frame.Width;
        int height = frame.Height;
        var components = frame.Components;
        // Every byte of the result is written below.
        var image = new RgbImage(width, height, GC.AllocateUninitializedArray<byte>(width * height * 3));
        if (components.Length == 1)
        {
            var c = components[0];
            for (int y = 0; y < height; y++)
                JpegColorConverter.GrayToRgb(c.Samples.AsSpan(y * c.Stride, width), image.Row(y));
            return image;
        }

        // Rows of subsampled components are brought to full width in these buffers (two samples
        // of slack because a doubled row can be one sample longer than the image).
        var rows = new byte[3][];
        for (int i = 0; i < 3; i++) rows[i] = new byte[width + 2];
        bool rgb = IsRgb(components);
        int maxH = frame.MaxHorizontalSampling;
        int maxV = frame.MaxVerticalSampling;
        for (int y = 0; y < height; y++)
        {
            var r0 = FullRow(components[0], y, maxH, maxV, rows[0]);
            var r1 = FullRow(components[1], y, maxH, maxV, rows[1]);
            var r2 = FullRow(components[2], y, maxH, maxV, rows[2]);
            if (rgb) JpegColorConverter.InterleaveRgb(r0, r1, r2, image.Row(y));
            else JpegColorConverter.YCbCrToRgb(r0, r1, r2, image.Row(y));
        }
        return image;
    }

    /// <summary>
    /// Which colour space three components are in, following libjpeg: a JFIF marker means YCbCr;
    /// otherwise an Adobe marker's transform flag decides (0 = RGB); otherwise component ids 'R', 'G',
    /// 'B' mean RGB; anything else is taken as YCbCr.
    /// </summary>
    private bool IsRgb(JpegComponent[] c)
    {
        if (_sawJfif) return false;
        if (_adobeTransform >= 0) return _adobeTransform == 0;
        return c[0].Id == 'R' && c[1].Id == 'G' && c[2].Id == 'B';
    }

    /// <summary>Output row <paramref name="y"/> of a component, upsampled to full resolution if needed.</summary>
    private static ReadOnlySpan<byte> FullRow(JpegComponent c, int y, int maxH, int maxV, byte[] buffer)
    {
        var samples = c.Samples.AsSpan();
        int stride = c.Stride;
        bool doubleWidth = c.HorizontalSampling < maxH;
        bool doubleHeight = c.VerticalSampling < maxV;
        if (!doubleHeight)
        {
            var row = samples.Slice(y * stride, c.Width);
            if (!doubleWidth) return row;
            JpegUpsampler.Horizontal(row, buffer);
            return buffer;
        }
        int nearest = y >> 1;
        bool lowerHalf = (y & 1) != 0;
        int other = lowerHalf ? Math.Min(nearest + 1, c.Height - 1) : Math.Max(nearest - 1, 0);
        var near = samples.Slice(nearest * stride, c.Width);
        var far = samples.Slice(other * stride, c.Width);
        if (doubleWidth) JpegUpsampler.Both(near, far, buffer);
        else JpegUpsampler.Vertical(near, far, buffer, lowerHalf);
        return buffer;
    }

    /// <summary>Dequantises and inverse-transforms every block of a progressive image's components.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformCoefficients(JpegFrame frame)
    {
        Span<int> work = stackalloc int[64];
        ReadOnlySpan<byte> natural = JpegZigZag.ToNatural;
        foreach (var c in frame.Components)
        {
            var coefficients = c.Coefficients!;
            var samples = c.Samples!;
            // A component no scan ever mentioned has no table latched; its coefficients are all zero.
            var q = c.Quantization ?? new ushort[64];
            int stride = c.Stride;
            for (int by = 0; by < c.BlocksPerColumn; by++)
            {
                for (int bx = 0; bx < c.BlocksPerLine; bx++)
                {
                    var block = coefficients.AsSpan((by * c.StoredBlocksPerLine + bx) * 64, 64);
                    var output = samples.AsSpan(by * 8 * stride + bx * 8);
                    if (block[1..].IndexOfAnyExcept((short)0) < 0)
                    {
                        JpegIdct.TransformDcOnly(block[0] * q[0], output, stride);
                        continue;
                    }
                    for (int k = 0; k < 64; k++) work[natural[k]] = block[k] * q[k];
                    JpegIdct.Transform(work, output, stride);
                }
            }
        }
    }
}
