using RetinaSharp.Testing;
using RetinaSharp.Data;
using RetinaSharp.Data.Voc;
using RetinaSharp.Structures;
using Xunit;

namespace RetinaSharp.Tests.Data;

public sealed class VocDatasetTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Object(string name, string box, int difficult = 0) =>
        $"<object><name>{name}</name><pose>Left</pose><truncated>0</truncated><difficult>{difficult}</difficult><bndbox>{box}</bndbox></object>";

    private static string Box(double xmin, double ymin, double xmax, double ymax) =>
        FormattableString.Invariant($"<xmin>{xmin}</xmin><ymin>{ymin}</ymin><xmax>{xmax}</xmax><ymax>{ymax}</ymax>");

    private string Annotation(string id, string body, int width = 50, int height = 40, bool withSize = true)
    {
        var size = withSize ? $"<size><width>{width}</width><height>{height}</height><depth>3</depth></size>" : "";
        return _dir.Write($"Annotations/{id}.xml", $"<annotation><folder>VOC2007</folder><filename>{id}.jpg</filename>{size}\n{body}\n</annotation>");
    }

    private void Image(string id, int width = 50, int height = 40) => _dir.WritePng($"JPEGImages/{id}.jpg", width, height);

    private void Split(string name, params string[] lines) => _dir.Write($"ImageSets/Main/{name}.txt", string.Join("\n", lines) + "\n");

    private VocDetectionDataset Open(string split = "train", DatasetOptions? options = null) =>
        VocDetectionDataset.Open(_dir.Path, split, options ?? DatasetOptions.Default);

    [Fact]
    public void ReadsBoxesWithDetectronCoordinatesAndDifficultAsIgnore()
    {
        Image("000001");
        Image("000002", 30, 60);
        Annotation("000001", Object("dog", Box(1, 1, 50, 40)) + "\n" + Object(" person ", Box(10.5, 12, 20, 30), difficult: 1));
        Annotation("000002", Object("cat", Box(3, 4, 10, 20)), withSize: false);
        Split("train", "000001", "", "000002");
        var ds = Open();

        Assert.Equal(20, ds.Classes.Count);
        Assert.Equal("aeroplane", ds.Classes[0].Name);
        Assert.Equal(1L, ds.Classes[0].CategoryId);
        Assert.Equal(2, ds.Count);
        Assert.Equal(0L, ds.GetInfo(0).ImageId);
        Assert.Equal("000002", ds.GetInfo(1).Key);
        Assert.Equal(new ImageSize(60, 30), ds.GetInfo(1).Size); // no <size>: read from the image header

        // 1-based inclusive pixels: subtract 1 from xmin/ymin only, so the full image is [0, 0, W, H].
        var t = ds.GetAnnotations(0);
        Assert.Equal([new Box(0, 0, 50, 40)], t.Boxes);
        Assert.Equal([11], t.Labels); // dog
        Assert.Equal([new Box(9.5f, 11, 20, 30)], t.IgnoreBoxes);
        Assert.Equal([14], t.IgnoreLabels); // person
        Assert.Equal([new Box(2, 3, 10, 20)], ds.GetAnnotations(1).Boxes);
        Assert.Equal([7], ds.GetAnnotations(1).Labels);
        Assert.Equal(0, ds.Report.ErrorCount + ds.Report.WarningCount);
    }

    [Fact]
    public void DifficultHandlingIsConfigurable()
    {
        Image("a");
        Annotation("a", Object("dog", Box(1, 1, 5, 5)) + Object("cat", Box(2, 2, 9, 9), difficult: 1));
        Split("train", "a");
        var include = Open(options: DatasetOptions.Default with { Difficult = DifficultHandling.Include });
        Assert.Equal([11, 7], include.GetAnnotations(0).Labels);
        Assert.Empty(include.GetAnnotations(0).IgnoreBoxes);
        var exclude = Open(options: DatasetOptions.Default with { Difficult = DifficultHandling.Exclude });
        Assert.Equal([11], exclude.GetAnnotations(0).Labels);
        Assert.Empty(exclude.GetAnnotations(0).IgnoreBoxes);
    }

    [Fact]
    public void ClassesCanBeGivenOrDiscovered()
    {
        Image("a");
        Annotation("a", Object("zebra", Box(1, 1, 5, 5)) + Object("ant", Box(2, 2, 9, 9)));
        Split("train", "a");
        var found = Open(options: DatasetOptions.Default with { DiscoverClasses = true });
        Assert.Equal(["ant", "zebra"], found.Classes.Select(c => c.Name));
        Assert.Equal([1, 0], found.GetAnnotations(0).Labels);
        var given = Open(options: DatasetOptions.Default with { ClassNames = ["zebra", "ant", "emu"] });
        Assert.Equal([0, 1], given.GetAnnotations(0).Labels);
        Assert.Equal(3, given.Classes.Count);

        // With the default 20 classes "zebra" is unknown.
        var ds = Open();
        Assert.Equal(0, ds.Count);
        var p = Assert.Single(ds.Report.Problems);
        Assert.Equal(ProblemKind.UnknownClass, p.Kind);
        Assert.Equal(_dir["Annotations/a.xml"], p.File);
        Assert.Contains("<object> \"zebra\" at line 2", p.Item);
        var e = Assert.Throws<BadSampleException>(() => Open(options: DatasetOptions.Default with { Policy = BadSamplePolicy.Fail }));
        Assert.Contains("a.xml", e.Message);
        Assert.Contains("zebra", e.Message);
    }

    [Fact]
    public void XmlSyntaxErrorNamesFileLineAndPosition()
    {
        Image("a");
        Image("b");
        _dir.Write("Annotations/a.xml", "<annotation>\n<object><name>dog</name>\n</annotation>");
        Annotation("b", Object("dog", Box(1, 1, 5, 5)));
        Split("train", "a", "b");
        var ds = Open();
        Assert.Equal(1, ds.Count);
        Assert.Equal("b", ds.GetInfo(0).Key);
        var p = Assert.Single(ds.Report.Problems);
        Assert.Equal(ProblemKind.SyntaxError, p.Kind);
        Assert.Equal(_dir["Annotations/a.xml"], p.File);
        Assert.StartsWith("line 3, position", p.Item);
        var e = Assert.Throws<BadSampleException>(() => Open(options: DatasetOptions.Default with { Policy = BadSamplePolicy.Fail }));
        Assert.Contains("a.xml: line 3, position", e.Message);
    }

    [Fact]
    public void BadValuesNameTheElement()
    {
        Image("a"); Image("b"); Image("c"); Image("d");
        Annotation("a", Object("dog", "<xmin>1</xmin><ymin>x</ymin><xmax>5</xmax><ymax>5</ymax>"));
        Annotation("b", Object("dog", "<xmin>1</xmin><ymin>2</ymin><xmax>Infinity</xmax><ymax>5</ymax>"));
        Annotation("c", Object("dog", "<xmin>1</xmin><ymin>2</ymin><ymax>5</ymax>"));
        Annotation("d", "<object><name>dog</name><difficult>maybe</difficult></object>");
        Split("train", "a", "b", "c", "d");
        var ds = Open();
        Assert.Equal(0, ds.Count);
        var problems = ds.Report.Problems;
        Assert.Contains(problems, p => p.Kind == ProblemKind.InvalidValue && p.File.EndsWith("a.xml") && p.Item == "<ymin> at line 2" && p.Message.Contains("\"x\" is not a number"));
        Assert.Contains(problems, p => p.Kind == ProblemKind.NonFiniteCoordinate && p.File.EndsWith("b.xml") && p.Item == "<xmax> at line 2");
        Assert.Contains(problems, p => p.Kind == ProblemKind.InvalidValue && p.File.EndsWith("c.xml") && p.Message.Contains("no <xmax>"));
        Assert.Contains(problems, p => p.Kind == ProblemKind.InvalidValue && p.File.EndsWith("d.xml") && p.Item.StartsWith("<difficult>"));
        Assert.Equal(4, ds.Report.SkippedSamples);
    }

    [Fact]
    public void MissingFilesDuplicatesAndEscapesAreReportedWithTheSplitLine()
    {
        Image("a");
        Annotation("a", Object("dog", Box(1, 1, 5, 5)));
        Annotation("noimage", Object("dog", Box(1, 1, 5, 5)));
        _dir.WritePng("outside.jpg", 10, 10);
        _dir.Write("outside.xml", "<annotation/>");
        Split("train", "a", "a", "noxml", "noimage", "../outside");
        var ds = Open();
        Assert.Equal(1, ds.Count);
        var split = _dir["ImageSets/Main/train.txt"];
        var problems = ds.Report.Problems;
        Assert.Contains(problems, p => p.Kind == ProblemKind.DuplicateImageId && p.File == split && p.Item == "line 2 (a)" && p.Message.Contains("line 1"));
        Assert.Contains(problems, p => p.Kind == ProblemKind.MissingAnnotationFile && p.Item == "line 3 (noxml)");
        Assert.Contains(problems, p => p.Kind == ProblemKind.MissingImage && p.Item == "line 4 (noimage)" && p.Message.Contains("noimage.jpg"));
        Assert.Contains(problems, p => p.Kind == ProblemKind.PathOutsideRoot && p.Item == "line 5 (../outside)");
        Assert.Equal(4, ds.Report.SkippedSamples);

        var e = Assert.Throws<FileNotFoundException>(() => Open("val"));
        Assert.Contains("val.txt", e.Message);
    }

    [Fact]
    public void BoxesAreClippedToTheStatedSize()
    {
        Image("a");
        Annotation("a", Object("dog", Box(1, 1, 60, 30)) + Object("cat", Box(70, 1, 80, 30)));
        Split("train", "a");
        var ds = Open();
        Assert.Equal([new Box(0, 0, 50, 30)], ds.GetAnnotations(0).Boxes);
        Assert.Contains(ds.Report.Problems, p => p.Kind == ProblemKind.BoxClipped && p.File.EndsWith("a.xml") && p.Item.Contains("\"dog\""));
        Assert.Contains(ds.Report.Problems, p => p.Kind == ProblemKind.DegenerateBox && p.Item.Contains("\"cat\"") && p.Message.Contains("outside"));
    }
}

public sealed class VocFlatLayoutTests : IDisposable
{
    private readonly RetinaSharp.Testing.TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Xml(string file, string name) => $"""
        <annotation><filename>{file}</filename><size><width>40</width><height>30</height><depth>3</depth></size>
        <object><name>{name}</name><difficult>0</difficult><bndbox><xmin>2</xmin><ymin>3</ymin><xmax>20</xmax><ymax>25</ymax></bndbox></object></annotation>
        """;

    /// <summary>annotations/ beside images/, as labelling tools write them, with two classes that are not VOC's.</summary>
    private string Folder(int images)
    {
        for (int i = 0; i < images; i++)
        {
            _dir.Write($"ds/annotations/img{i:D2}.xml", Xml($"img{i:D2}.png", i % 3 == 0 ? "raccoon" : "kangaroo"));
            _dir.WritePng($"ds/images/img{i:D2}.png", 40, 30);
        }
        return _dir["ds"];
    }

    [Fact]
    public void Reads_annotations_beside_images_with_classes_from_the_files()
    {
        var root = Folder(10);
        Assert.Equal(DatasetFormat.Voc, DatasetFactory.DetectFormat(root));
        var all = DatasetFactory.Open(new DatasetSpec(root) { Split = "all" });
        Assert.Equal(["kangaroo", "raccoon"], all.Classes.Select(c => c.Name));
        Assert.Equal(10, all.Count);
        Assert.Equal("img00", all.GetInfo(0).Key);
        // VOC's 1-based xmin/ymin become 0-based.
        Assert.Equal([new Box(1, 2, 20, 25)], all.GetAnnotations(0).Boxes);
        Assert.Equal([1], all.GetAnnotations(0).Labels);
        Assert.Equal(0, all.Report.ErrorCount);
    }

    [Fact]
    public void Any_names_for_the_xml_and_image_folders_are_found()
    {
        // The kangaroo set's layout: annots/ beside images/ (and a README).
        for (int i = 0; i < 3; i++)
        {
            _dir.Write($"k/annots/{i:D5}.xml", Xml($"{i:D5}.png", "kangaroo"));
            _dir.WritePng($"k/images/{i:D5}.png", 40, 30);
        }
        _dir.Write("k/README.md", "a data set");
        var root = _dir["k"];
        Assert.Equal(DatasetFormat.Voc, DatasetFactory.DetectFormat(root));
        var all = DatasetFactory.Open(new DatasetSpec(root) { Split = "all" });
        Assert.Equal(3, all.Count);
        Assert.Equal(_dir["k/images/00002.png"], all.GetInfo(2).FilePath);
        Assert.Equal(0, all.Report.ErrorCount);
    }

    [Fact]
    public void Train_and_test_splits_partition_the_images_by_a_seeded_hash()
    {
        var root = Folder(40);
        var train = DatasetFactory.Open(new DatasetSpec(root));
        var test = DatasetFactory.Open(new DatasetSpec(root) { Split = "test" });
        var trainIds = Enumerable.Range(0, train.Count).Select(i => train.GetInfo(i).Key).ToHashSet();
        var testIds = Enumerable.Range(0, test.Count).Select(i => test.GetInfo(i).Key).ToHashSet();
        Assert.Equal(40, trainIds.Count + testIds.Count);
        Assert.Empty(trainIds.Intersect(testIds));
        Assert.InRange(testIds.Count, 3, 15);
        // The held-out set is a function of the id and the seed only.
        Assert.All(testIds, id => Assert.True(VocLayout.IsHeldOut(id, DatasetOptions.Default)));
        var reseeded = DatasetFactory.Open(new DatasetSpec(root) { Split = "test" }, new DatasetOptions { SplitSeed = 7 });
        Assert.NotEqual(testIds, Enumerable.Range(0, reseeded.Count).Select(i => reseeded.GetInfo(i).Key).ToHashSet());
    }

    [Fact]
    public void Pascal_layout_with_foreign_classes_says_how_to_name_them()
    {
        _dir.Write("voc/ImageSets/Main/trainval.txt", "a\n");
        _dir.Write("voc/Annotations/a.xml", Xml("a.png", "raccoon"));
        _dir.WritePng("voc/JPEGImages/a.png", 40, 30);
        var ds = DatasetFactory.Open(new DatasetSpec(_dir["voc"]));
        Assert.Equal(0, ds.Count);
        var p = Assert.Single(ds.Report.Problems);
        Assert.Contains("--classes", p.Message);
        Assert.Contains("raccoon", p.Message);
    }
}
