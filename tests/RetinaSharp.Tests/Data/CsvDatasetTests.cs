using RetinaSharp.Testing;
using RetinaSharp.Data;
using RetinaSharp.Data.Csv;
using RetinaSharp.Structures;
using Xunit;

namespace RetinaSharp.Tests.Data;

public sealed class CsvDatasetTests : IDisposable
{
    private readonly TempDir _dir = new();

    public CsvDatasetTests()
    {
        _dir.Write("classes.csv", "dog,1\ncat,0\n\"big, bad wolf\",2\n");
    }

    public void Dispose() => _dir.Dispose();

    private CsvDetectionDataset Open(string csv, BadSamplePolicy policy = BadSamplePolicy.Skip) =>
        CsvDetectionDataset.Open(csv, _dir["classes.csv"], DatasetOptions.Default with { Policy = policy });

    [Fact]
    public void ReadsQuotedFieldsEmptyImagesAndRelativePaths()
    {
        _dir.WritePng("images/a, b.png", 60, 40);
        _dir.WritePng("images/empty.png", 20, 30);
        _dir.WritePng("images/q\"uote.png", 10, 10);
        var csv = _dir.Write("ann.csv",
            "\"images/a, b.png\",1,2,30.5,20,dog\r\n" +
            "images/empty.png,,,,,\r\n" +
            "\r\n" +
            "\"images/a, b.png\",\"3\",4,10,12,\"big, bad wolf\"\r\n" +
            "\"images/q\"\"uote.png\",0,0,5,5,cat");
        var ds = Open(csv);

        Assert.Equal(["cat", "dog", "big, bad wolf"], ds.Classes.Select(c => c.Name)); // by id 0, 1, 2
        Assert.Equal(3, ds.Count);
        Assert.Equal("images/a, b.png", ds.GetInfo(0).Key);
        Assert.Equal(_dir["images/a, b.png"], ds.GetInfo(0).FilePath);
        Assert.Equal(new ImageSize(40, 60), ds.GetInfo(0).Size);
        Assert.Equal([new Box(1, 2, 30.5f, 20), new Box(3, 4, 10, 12)], ds.GetAnnotations(0).Boxes);
        Assert.Equal([1, 2], ds.GetAnnotations(0).Labels);
        Assert.Equal("images/empty.png", ds.GetInfo(1).Key);
        Assert.Empty(ds.GetAnnotations(1).Boxes);
        Assert.Equal(2L, ds.GetInfo(2).ImageId);
        Assert.Equal([0], ds.GetAnnotations(2).Labels);
        Assert.Equal(0, ds.Report.ErrorCount + ds.Report.WarningCount);
    }

    [Fact]
    public void SyntaxErrorsNameTheLineAndRejectTheImage()
    {
        _dir.WritePng("a.png", 20, 20);
        _dir.WritePng("b.png", 20, 20);
        _dir.WritePng("c.png", 20, 20);
        var csv = _dir.Write("ann.csv",
            "a.png,1,1,5,5,dog\n" +
            "b.png,1,1,5,5\n" +
            "\"c.png\"x,1,1,5,5,dog\n" +
            "a.png,1,1,6,6,dog,extra\n");
        var ds = Open(csv);
        Assert.Equal(0, ds.Count);
        var problems = ds.Report.Problems;
        Assert.Contains(problems, p => p.Kind == ProblemKind.SyntaxError && p.File == csv && p.Item == "line 2" && p.Message.Contains("found 5"));
        // The path of line 3 cannot be trusted, so only the row is left out (and reported).
        Assert.Contains(problems, p => p.Kind == ProblemKind.SyntaxError && p.Item == "line 3" && p.Message.Contains("after a closing quote") && p.Message.Contains("row left out"));
        Assert.Contains(problems, p => p.Kind == ProblemKind.SyntaxError && p.Item == "line 4" && p.Message.Contains("found 7") && p.Message.Contains("image left out"));
        Assert.Equal(2, ds.Report.SkippedSamples);
        var e = Assert.Throws<BadSampleException>(() => Open(csv, BadSamplePolicy.Fail));
        Assert.Contains($"{csv}: line 2:", e.Message);
    }

    [Fact]
    public void UnterminatedQuoteIsReportedWithItsLine()
    {
        _dir.WritePng("a.png", 20, 20);
        var csv = _dir.Write("ann.csv", "a.png,1,1,5,5,dog\n\"b.png,1,1,5,5,dog\na.png,2,2,3,3,cat\n");
        var ds = Open(csv);
        Assert.Equal(1, ds.Count);
        Assert.Single(ds.GetAnnotations(0).Boxes);
        var p = Assert.Single(ds.Report.Problems);
        Assert.Equal("line 2", p.Item);
        Assert.Contains("never closed", p.Message);
    }

    [Fact]
    public void BadNumbersUnknownClassesAndNonFiniteCoordinates()
    {
        foreach (var name in new[] { "a.png", "b.png", "c.png", "d.png", "e.png" }) _dir.WritePng(name, 20, 20);
        var csv = _dir.Write("ann.csv",
            "a.png,1,1,five,5,dog\n" +
            "b.png,1,1,5,5,horse\n" +
            "c.png,NaN,1,5,5,dog\n" +
            "d.png,1,,5,5,dog\n" +
            "e.png,1,1,1e39,5,dog\n");
        var ds = Open(csv);
        Assert.Equal(0, ds.Count);
        var problems = ds.Report.Problems;
        Assert.Contains(problems, p => p.Kind == ProblemKind.InvalidValue && p.Item == "line 1" && p.Message.Contains("x2 \"five\" is not a number"));
        Assert.Contains(problems, p => p.Kind == ProblemKind.UnknownClass && p.Item == "line 2" && p.Message.Contains("\"horse\""));
        Assert.Contains(problems, p => p.Kind == ProblemKind.NonFiniteCoordinate && p.Item == "line 3" && p.Message.Contains("x1"));
        Assert.Contains(problems, p => p.Kind == ProblemKind.InvalidValue && p.Item == "line 4" && p.Message.Contains("y1 is empty"));
        Assert.Contains(problems, p => p.Kind == ProblemKind.NonFiniteCoordinate && p.Item == "line 5");
        var e = Assert.Throws<BadSampleException>(() => Open(csv, BadSamplePolicy.Fail));
        Assert.Contains($"{csv}: line 1:", e.Message);
    }

    [Fact]
    public void DegenerateAndOutsideBoxesAreWarnedAbout()
    {
        _dir.WritePng("a.png", 20, 10);
        var csv = _dir.Write("ann.csv", "a.png,5,1,5,8,dog\na.png,1,1,4,0,dog\na.png,-2,1,30,8,cat\n");
        var ds = Open(csv, BadSamplePolicy.Fail);
        Assert.Equal([new Box(0, 1, 20, 8)], ds.GetAnnotations(0).Boxes);
        var problems = ds.Report.Problems;
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Kind == ProblemKind.DegenerateBox && p.Item == "line 1");
        Assert.Contains(problems, p => p.Kind == ProblemKind.DegenerateBox && p.Item == "line 2");
        Assert.Contains(problems, p => p.Kind == ProblemKind.BoxClipped && p.Item == "line 3" && p.Message.Contains("20x10"));
    }

    [Fact]
    public void PathsMustStayUnderTheCsvFolderAndExist()
    {
        _dir.WritePng("outside.png", 10, 10);
        _dir.WritePng("data/ok.png", 10, 10);
        var csv = _dir.Write("data/ann.csv", $"../outside.png,1,1,2,2,dog\n{_dir["outside.png"]},1,1,2,2,dog\nok.png,,,,,\nmissing.png,,,,,\n,1,1,2,2,dog\n");
        var ds = CsvDetectionDataset.Open(csv, _dir["classes.csv"]);
        Assert.Equal(1, ds.Count);
        Assert.Equal("ok.png", ds.GetInfo(0).Key);
        var problems = ds.Report.Problems;
        Assert.Contains(problems, p => p.Kind == ProblemKind.PathOutsideRoot && p.Item == "line 1");
        Assert.Contains(problems, p => p.Kind == ProblemKind.PathOutsideRoot && p.Item == "line 2" && p.Message.Contains("absolute"));
        Assert.Contains(problems, p => p.Kind == ProblemKind.MissingImage && p.Item == "line 4" && p.Message.Contains("missing.png"));
        Assert.Contains(problems, p => p.Kind == ProblemKind.InvalidValue && p.Item == "line 5" && p.Message.Contains("path is empty"));
    }

    [Fact]
    public void ClassesFileErrorsAreFatalAndNameTheLine()
    {
        var dup = _dir.Write("dup.csv", "dog,0\ncat,1\ndog,2\n");
        var e1 = Assert.Throws<InvalidDataException>(() => CsvDetectionDataset.ReadClasses(dup));
        Assert.Contains($"{dup}: line 3: class \"dog\" is already defined at line 1", e1.Message);
        var badId = _dir.Write("badid.csv", "dog,zero\n");
        var e2 = Assert.Throws<InvalidDataException>(() => CsvDetectionDataset.ReadClasses(badId));
        Assert.Contains("line 1", e2.Message);
        Assert.Contains("not an integer", e2.Message);
        var sameId = _dir.Write("sameid.csv", "dog,0\ncat,0\n");
        Assert.Contains("line 2: class id 0 is already used", Assert.Throws<InvalidDataException>(() => CsvDetectionDataset.ReadClasses(sameId)).Message);
    }
}

public sealed class CsvHeaderTests
{
    [Fact]
    public void A_header_row_maps_columns_by_name_and_the_classes_come_from_the_file()
    {
        using var dir = new RetinaSharp.Testing.TempDir();
        dir.WritePng("b.png", 40, 30);
        dir.WritePng("a.png", 40, 30);
        // The TensorFlow tools' column order, with the class before the corners.
        var csv = dir.Write("labels.csv", "filename,width,height,class,xmin,ymin,xmax,ymax\nb.png,40,30,raccoon,1,2,11,12\na.png,40,30,dog,5,6,25,26\na.png,40,30,raccoon,0,0,4,4\n");
        var ds = (CsvDetectionDataset)DatasetFactory.Open(new DatasetSpec(csv));
        Assert.Equal(["dog", "raccoon"], ds.Classes.Select(c => c.Name));
        Assert.Equal([1L, 2L], ds.Classes.Select(c => c.CategoryId));
        Assert.Equal(2, ds.Count);
        Assert.Equal("b.png", ds.GetInfo(0).Key);
        Assert.Equal([new Box(1, 2, 11, 12)], ds.GetAnnotations(0).Boxes);
        Assert.Equal([1], ds.GetAnnotations(0).Labels);
        Assert.Equal([new Box(5, 6, 25, 26), new Box(0, 0, 4, 4)], ds.GetAnnotations(1).Boxes);
        Assert.Equal([0, 1], ds.GetAnnotations(1).Labels);
        Assert.Equal(0, ds.Report.ErrorCount);
        // A validation set takes the training set's classes.
        var val = dir.Write("val.csv", "filename,width,height,class,xmin,ymin,xmax,ymax\na.png,40,30,raccoon,1,1,9,9\n");
        var v = DatasetFactory.Open(new DatasetSpec(val), new DatasetOptions { ClassNames = ["dog", "raccoon"] });
        Assert.Equal([1], v.GetAnnotations(0).Labels);
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_fields_is_named()
    {
        using var dir = new RetinaSharp.Testing.TempDir();
        dir.WritePng("a.png", 40, 30);
        var csv = dir.Write("labels.csv", "filename,class,xmin,ymin,xmax,ymax\na.png,cat,1,2,3\n");
        var ds = DatasetFactory.Open(new DatasetSpec(csv), new DatasetOptions { ClassNames = ["cat"] });
        var p = Assert.Single(ds.Report.Problems);
        Assert.Equal("line 2", p.Item);
        Assert.Contains("expected 6 fields as the header names, found 5", p.Message);
    }
}
