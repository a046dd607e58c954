using RetinaSharp.Imaging;

namespace RetinaSharp.Export.Tests;

/// <summary>Real photographs from the test fixtures, and crops of them in other sizes and orientations.</summary>
public static class TestImages
{
    public static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    public static RgbImage Photo() => ImageFile.Load(Fixture("images", "photo-640x480.jpg"));

    /// <summary>A photo, landscape and portrait crops of odd sizes, and a small JPEG: several resized and padded sizes.</summary>
    public static IReadOnlyList<RgbImage> Several()
    {
        var photo = Photo();
        return [photo, Crop(photo, 10, 30, 517, 333), Crop(photo, 100, 7, 251, 459), ImageFile.Load(Fixture("images", "baseline-420-61x37.jpg"))];
    }

    public static RgbImage Crop(RgbImage image, int x, int y, int width, int height)
    {
        var crop = new RgbImage(width, height);
        for (int r = 0; r < height; r++) image.Row(y + r).Slice(x * 3, width * 3).CopyTo(crop.Row(r));
        return crop;
    }
}
