using RetinaSharp.Testing;
using RetinaSharp.Data;
using RetinaSharp.Data.Coco;
using RetinaSharp.Data.Csv;
using RetinaSharp.Data.Voc;
using Xunit;

namespace RetinaSharp.Tests.Data;

public sealed class DatasetFactoryTests
{
    [Fact]
    public void OpensEachFormatFromItsPath()
    {
        using var dir = new TempDir();
        dir.WritePng("coco/img/a.png", 10, 10);
        var json = dir.Write("coco/ann.json", """{"images": [{"id": 3, "file_name": "a.png"}], "annotations": [], "categories": [{"id": 1, "name": "x"}]}""");
        var coco = DatasetFactory.Open(new DatasetSpec(json) { Images = dir["coco/img"] });
        Assert.IsType<CocoDetectionDataset>(coco);
        Assert.Equal(3L, coco.GetInfo(0).ImageId);

        dir.WritePng("csv/a.png", 10, 10);
        var csv = dir.Write("csv/train.csv", "a.png,1,1,4,4,x\n");
        dir.Write("csv/classes.csv", "x,0\n");
        var fromCsv = DatasetFactory.Open(new DatasetSpec(csv));
        Assert.IsType<CsvDetectionDataset>(fromCsv);
        Assert.Single(fromCsv.GetAnnotations(0).Boxes);

        dir.WritePng("voc/JPEGImages/1.jpg", 10, 10);
        dir.Write("voc/Annotations/1.xml", "<annotation><object><name>b</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>4</xmax><ymax>4</ymax></bndbox></object></annotation>");
        dir.Write("voc/ImageSets/Main/val.txt", "1\n");
        var names = dir.Write("voc/names.txt", "a\n\n b \n");
        var voc = DatasetFactory.Open(new DatasetSpec(dir["voc"]) { Split = "val", Classes = names });
        Assert.IsType<VocDetectionDataset>(voc);
        Assert.Equal(["a", "b"], voc.Classes.Select(c => c.Name));
        Assert.Equal([1], voc.GetAnnotations(0).Labels);
    }

    [Fact]
    public void ExplainsWhatItCannotOpen()
    {
        using var dir = new TempDir();
        var e1 = Assert.Throws<InvalidDataException>(() => DatasetFactory.DetectFormat(dir.Write("x.yaml", "")));
        Assert.Contains("x.yaml", e1.Message);
        Directory.CreateDirectory(dir["folder"]);
        Assert.Contains("Pascal VOC layout", Assert.Throws<InvalidDataException>(() => DatasetFactory.DetectFormat(dir["folder"])).Message);
        var csv = dir.Write("alone/train.csv", "a.png,,,,,\n");
        // Only images without boxes and no classes file: nothing says what the classes are.
        var noClass = Assert.Throws<InvalidDataException>(() => DatasetFactory.Open(new DatasetSpec(csv))).Message;
        Assert.Contains("train.csv", noClass);
        Assert.Contains("no classes file", noClass);
        Assert.Throws<FileNotFoundException>(() => DatasetFactory.DetectFormat(dir["nothing.json"]));
    }
}
