using System.Security.Cryptography;
using System.Text.Json;
using RetinaSharp.Data;
using RetinaSharp.Structures;
using Xunit;

namespace RetinaSharp.Tests.Data;

/// <summary>
/// Photos from a published data set (the raccoon set, with its labels as TensorFlow's tools wrote
/// them): the CSV header, the sizes in the JPEG headers and the decoded pixels against PIL's.
/// </summary>
public sealed class RealPhotoTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "raccoon");

    [Fact]
    public void The_labels_read_by_column_name_and_the_sizes_agree_with_the_jpeg_headers()
    {
        var ds = DatasetFactory.Open(new DatasetSpec(Path.Combine(Folder, "labels.csv")));
        Assert.Equal(4, ds.Count);
        Assert.Equal(["raccoon"], ds.Classes.Select(c => c.Name));
        Assert.Equal(0, ds.Report.ErrorCount + ds.Report.WarningCount);
        // The labelling tool's width and height columns, next to the size read from each file.
        var rows = File.ReadAllLines(Path.Combine(Folder, "labels.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            var info = ds.GetInfo(i);
            Assert.Equal(rows[i][0], Path.GetFileName(info.FilePath));
            Assert.Equal(new ImageSize(int.Parse(rows[i][2]), int.Parse(rows[i][1])), info.Size);
            var box = Assert.Single(ds.GetAnnotations(i).Boxes);
            Assert.Equal(new Box(float.Parse(rows[i][4]), float.Parse(rows[i][5]), float.Parse(rows[i][6]), float.Parse(rows[i][7])), box);
        }
    }

    [Fact]
    public void Decoded_pixels_equal_libjpeg_turbo_through_PIL()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "pixels.json")));
        int grey = 0;
        foreach (var entry in json.RootElement.EnumerateObject())
        {
            var image = RetinaSharp.Imaging.ImageFile.Load(Path.Combine(Folder, entry.Name));
            Assert.Equal(entry.Value.GetProperty("width").GetInt32(), image.Width);
            Assert.Equal(entry.Value.GetProperty("height").GetInt32(), image.Height);
            Assert.Equal(entry.Value.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(image.Pixels)));
            if (entry.Value.GetProperty("mode").GetString() == "L") grey++;
        }
        Assert.Equal(1, grey); // one of them is a greyscale JPEG
    }
}
