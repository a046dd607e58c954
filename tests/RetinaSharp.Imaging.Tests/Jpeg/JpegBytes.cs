namespace RetinaSharp.Imaging.Tests.Jpeg;

/// <summary>Edits JPEG files at the marker-segment level, to build malformed and unusual inputs.</summary>
internal static class JpegBytes
{
    public readonly record struct Segment(int Offset, byte Code, int Length);

    /// <summary>The marker segments in file order (entropy-coded data, stuffed bytes and RSTn skipped).</summary>
    public static List<Segment> Segments(byte[] d)
    {
        var list = new List<Segment>();
        int pos = 2;
        while (pos + 1 < d.Length)
        {
            byte code = d[pos + 1];
            if (d[pos] != 0xFF || code == 0 || code == 0xFF || (code >= 0xD0 && code <= 0xD7))
            {
                pos++;
                continue;
            }
            if (code == 0xD9)
            {
                list.Add(new Segment(pos, code, 2));
                break;
            }
            int length = (d[pos + 2] << 8) | d[pos + 3];
            list.Add(new Segment(pos, code, length + 2));
            pos += 2 + length;
        }
        return list;
    }

    /// <summary>The <paramref name="occurrence"/>-th segment with marker <paramref name="code"/>.</summary>
    public static Segment Find(byte[] d, byte code, int occurrence = 0) =>
        Segments(d).Where(s => s.Code == code).ElementAt(occurrence);

    public static byte[] Patch(byte[] d, int offset, params byte[] bytes)
    {
        var copy = (byte[])d.Clone();
        bytes.CopyTo(copy, offset);
        return copy;
    }

    public static byte[] Insert(byte[] d, int offset, params byte[] bytes) => [.. d.AsSpan(0, offset), .. bytes, .. d.AsSpan(offset)];

    public static byte[] Remove(byte[] d, int offset, int count) => [.. d.AsSpan(0, offset), .. d.AsSpan(offset + count)];

    public static byte[] RemoveSegment(byte[] d, Segment s) => Remove(d, s.Offset, s.Length);

    /// <summary>A complete marker segment: FF, code, big-endian length, payload.</summary>
    public static byte[] MakeSegment(byte code, params byte[] payload) =>
        [0xFF, code, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2), .. payload];
}
