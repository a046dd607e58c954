using RetinaSharp.Imaging;

namespace RetinaSharp.Imaging.Tests.Jpeg;

/// <summary>Finds the files made by tools/make_jpeg_fixtures.py and reads their PPM/PGM references.</summary>
internal static class JpegFixtures
{
    public static string Directory(string sub) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "Jpeg", sub);

    public static string Path(string sub, string name) => System.IO.Path.Combine(Directory(sub), name);

    public static byte[] Read(string sub, string name) => File.ReadAllBytes(Path(sub, name));

    /// <summary>Names (without extension) of the images in <paramref name="sub"/>/, each of which has a reference decoding.</summary>
    public static IEnumerable<string> Cases(string sub)
    {
        foreach (var jpg in System.IO.Directory.EnumerateFiles(Directory(sub), "*.jpg").Order(StringComparer.Ordinal))
            yield return System.IO.Path.GetFileNameWithoutExtension(jpg);
    }

    /// <summary>The reference for <paramref name="sub"/>/<paramref name="name"/>.jpg as RGB (grayscale references are replicated).</summary>
    public static RgbImage Reference(string sub, string name)
    {
        var ppm = Path(sub, name + ".ppm");
        return File.Exists(ppm) ? ReadPnm(File.ReadAllBytes(ppm)) : ReadPnm(File.ReadAllBytes(Path(sub, name + ".pgm")));
    }

    /// <summary>Reads binary PPM (P6) or PGM (P5) with maxval 255.</summary>
    public static RgbImage ReadPnm(byte[] data)
    {
        int pos = 0;
        string magic = Token(data, ref pos);
        int width = int.Parse(Token(data, ref pos));
        int height = int.Parse(Token(data, ref pos));
        int maxval = int.Parse(Token(data, ref pos));
        if (maxval != 255) throw new InvalidDataException($"maxval {maxval}");
        pos++;   // the single whitespace byte before the raster
        var pixels = new byte[width * height * 3];
        if (magic == "P6")
        {
            data.AsSpan(pos, pixels.Length).CopyTo(pixels);
        }
        else if (magic == "P5")
        {
            for (int i = 0; i < width * height; i++) pixels[3 * i] = pixels[3 * i + 1] = pixels[3 * i + 2] = data[pos + i];
        }
        else
        {
            throw new InvalidDataException($"Unsupported PNM type {magic}");
        }
        return new RgbImage(width, height, pixels);
    }

    private static string Token(byte[] data, ref int pos)
    {
        while (true)
        {
            while (char.IsWhiteSpace((char)data[pos])) pos++;
            if (data[pos] != '#') break;
            while (data[pos] != '\n') pos++;
        }
        int start = pos;
        while (!char.IsWhiteSpace((char)data[pos])) pos++;
        return System.Text.Encoding.ASCII.GetString(data, start, pos - start);
    }

    /// <summary>Largest absolute difference of any channel of any pixel; the sizes must agree.</summary>
    public static int MaxAbsDiff(RgbImage expected, RgbImage actual)
    {
        if (expected.Width != actual.Width || expected.Height != actual.Height)
            throw new Xunit.Sdk.XunitException($"size {actual.Width}x{actual.Height}, expected {expected.Width}x{expected.Height}");
        int max = 0;
        for (int i = 0; i < expected.Pixels.Length; i++) max = Math.Max(max, Math.Abs(expected.Pixels[i] - actual.Pixels[i]));
        return max;
    }
}
