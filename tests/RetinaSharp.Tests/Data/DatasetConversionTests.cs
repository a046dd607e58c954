using RetinaSharp.Data;
using RetinaSharp.Data.Conversion;
using RetinaSharp.Data.Csv;
using RetinaSharp.Data.Voc;
using RetinaSharp.Structures;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Tests.Data;

public sealed class DatasetConversionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// A COCO set with what conversions get wrong: two images called a.png in different folders,
    /// decimals, a crowd box and an ignore box, an image without boxes, category ids not 1..K.
    /// </summary>
    private IDetectionDataset Source()
    {
        _dir.WritePng("src/images/a.png", 100, 80);
        _dir.WritePng("src/images/sub/a.png", 30, 40);
        _dir.WritePng("src/images/empty.png", 20, 20);
        var json = _dir.Write("src/instances.json", """
            {"images": [{"id": 7, "file_name": "a.png", "width": 100, "height": 80},
                        {"id": 30, "file_name": "sub/a.png", "width": 30, "height": 40},
                        {"id": 31, "file_name": "empty.png", "width": 20, "height": 20}],
             "annotations": [
               {"id": 1, "image_id": 7, "category_id": 5, "bbox": [10.5, 20, 30, 15.25], "iscrowd": 0},
               {"id": 2, "image_id": 7, "category_id": 9, "bbox": [0, 0, 50, 40], "iscrowd": 1},
               {"id": 3, "image_id": 30, "category_id": 9, "bbox": [2, 3, 10, 20.5], "iscrowd": 0},
               {"id": 4, "image_id": 30, "category_id": 5, "bbox": [1, 1, 4, 4], "iscrowd": 0, "ignore": 1}],
             "categories": [{"id": 9, "name": "zebra"}, {"id": 5, "name": "cat, striped"}]}
            """);
        return DatasetFactory.Open(new DatasetSpec(json) { Images = _dir["src/images"] });
    }

    /// <summary>Every image of the source, by its size, with boxes as (class name, box) and ignore regions, read back from a converted set.</summary>
    private static void AssertSameContent(IDetectionDataset converted, bool withIgnore)
    {
        Assert.Equal(3, converted.Count);
        var byWidth = new Dictionary<int, int>();
        for (int i = 0; i < converted.Count; i++) byWidth[converted.GetInfo(i).Size.Width] = i;
        Assert.Equal([20, 30, 100], byWidth.Keys.Order());

        (string, Box)[] Boxes(int width, bool ignore)
        {
            var a = converted.GetAnnotations(byWidth[width]);
            var boxes = ignore ? a.IgnoreBoxes : a.Boxes;
            var labels = ignore ? a.IgnoreLabels : a.Labels;
            return [.. boxes.Select((b, k) => (converted.Classes.NameOf(labels[k]), b))];
        }

        Assert.Equal([("cat, striped", new Box(10.5f, 20, 40.5f, 35.25f))], Boxes(100, ignore: false));
        Assert.Equal([("zebra", new Box(2, 3, 12, 23.5f))], Boxes(30, ignore: false));
        Assert.Empty(Boxes(20, ignore: false));
        if (withIgnore)
        {
            Assert.Equal([("zebra", new Box(0, 0, 50, 40))], Boxes(100, ignore: true));
            Assert.Equal([("cat, striped", new Box(1, 1, 5, 5))], Boxes(30, ignore: true));
        }
        Assert.Equal(0, converted.Report.ErrorCount);
        Assert.Equal(0, converted.Report.WarningCount);
    }

    [Fact]
    public void Coco_to_voc_keeps_boxes_ignore_regions_and_images()
    {
        var out_ = _dir["voc"];
        var result = DatasetConverter.Convert(Source(), DatasetFormat.Voc, out_);
        Assert.Equal(new ConversionResult(3, 2, 2, 0, 3), result);
        // Both a.png keep their name apart from the numbered second one; VOC ids are the stems.
        Assert.Equal(["a", "a_2", "empty"], File.ReadAllLines(Path.Combine(out_, "ImageSets", "Main", "trainval.txt")).Order(StringComparer.Ordinal));
        var classes = DatasetFactory.ReadClassNames(Path.Combine(out_, "classes.txt"));
        var voc = VocDetectionDataset.Open(out_, "trainval", DatasetOptions.Default with { ClassNames = classes });
        AssertSameContent(voc, withIgnore: true);
        // The copy is the file itself, byte for byte.
        Assert.Equal(File.ReadAllBytes(_dir["src/images/sub/a.png"]), File.ReadAllBytes(Path.Combine(out_, "JPEGImages", "a_2.png")));
    }

    [Fact]
    public void Coco_to_csv_quotes_names_and_counts_what_csv_cannot_hold()
    {
        var csv = _dir["csv/train.csv"];
        var result = DatasetConverter.Convert(Source(), DatasetFormat.Csv, csv);
        Assert.Equal(2, result.IgnoreRegionsDropped);
        var back = CsvDetectionDataset.Open(csv, _dir["csv/classes.csv"]);
        AssertSameContent(back, withIgnore: false);
        // classes.csv keeps the source's category ids.
        Assert.Equal(9, back.Classes[back.Classes.TryGetLabelByName("zebra", out int z) ? z : -1].CategoryId);
        Assert.Contains("\"cat, striped\",5", File.ReadAllText(_dir["csv/classes.csv"]));
        Assert.Contains("images/empty.png,,,,,", File.ReadAllText(csv));
    }

    [Fact]
    public void Voc_to_coco_round_trips_and_keeps_image_ids()
    {
        var voc = _dir["voc"];
        DatasetConverter.Convert(Source(), DatasetFormat.Voc, voc);
        var fromVoc = VocDetectionDataset.Open(voc, "trainval", DatasetOptions.Default with { ClassNames = DatasetFactory.ReadClassNames(Path.Combine(voc, "classes.txt")) });
        var json = _dir["coco/instances.json"];
        var result = DatasetConverter.Convert(fromVoc, DatasetFormat.Coco, json, new ConversionOptions { IgnoreAsCrowd = true });
        Assert.Equal(new ConversionResult(3, 2, 2, 0, 3), result);
        var coco = DatasetFactory.Open(new DatasetSpec(json));
        AssertSameContent(coco, withIgnore: true);
        for (int i = 0; i < coco.Count; i++) Assert.Equal(fromVoc.GetInfo(i).ImageId, coco.GetInfo(i).ImageId);
    }

    [Fact]
    public void Without_copying_the_output_refers_to_the_images_where_they_are()
    {
        var json = _dir["src/converted.json"];
        var result = DatasetConverter.Convert(Source(), DatasetFormat.Coco, json, new ConversionOptions { CopyImages = false });
        Assert.Equal(0, result.ImagesCopied);
        Assert.False(Directory.Exists(_dir["src/images/images"]));
        var coco = DatasetFactory.Open(new DatasetSpec(json));
        AssertSameContent(coco, withIgnore: true);
        Assert.Equal(_dir["src/images/sub/a.png"], coco.GetInfo(1).FilePath);
    }

    [Fact]
    public void An_output_that_would_overwrite_an_input_image_or_the_class_file_is_refused()
    {
        var source = Source();
        var before = File.ReadAllBytes(_dir["src/images/a.png"]);
        var e = Assert.Throws<IOException>(() => DatasetConverter.Convert(source, DatasetFormat.Csv, _dir["src/images/a.png"], new ConversionOptions { CopyImages = false }));
        Assert.Contains("overwrite the image", e.Message);
        Assert.Throws<IOException>(() => DatasetConverter.Convert(source, DatasetFormat.Csv, _dir["x/classes.csv"]));
        Assert.Throws<IOException>(() => DatasetConverter.Convert(source, DatasetFormat.Coco, _dir["src/images"]));
        Assert.Equal(before, File.ReadAllBytes(_dir["src/images/a.png"]));
    }
}
