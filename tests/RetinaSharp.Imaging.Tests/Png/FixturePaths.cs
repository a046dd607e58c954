namespace RetinaSharp.Imaging.Tests.Png;

internal static class FixturePaths
{
    public static string PngDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "png");

    /// <summary>(name, width, height) per line of the manifest written by tools/make_png_fixtures.py.</summary>
    public static IReadOnlyList<(string Name, int Width, int Height)> PngManifest()
    {
        var list = new List<(string, int, int)>();
        foreach (var line in File.ReadAllLines(Path.Combine(PngDirectory, "manifest.txt")))
        {
            if (line.Length == 0) continue;
            var parts = line.Split(' ');
            list.Add((parts[0], int.Parse(parts[1]), int.Parse(parts[2])));
        }
        return list;
    }

    public static byte[] Png(string name) => File.ReadAllBytes(Path.Combine(PngDirectory, name + ".png"));

    public static byte[] ExpectedRgb(string name) => File.ReadAllBytes(Path.Combine(PngDirectory, name + ".rgb"));
}
