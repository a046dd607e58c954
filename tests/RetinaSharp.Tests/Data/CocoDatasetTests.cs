using RetinaSharp.Testing;
using RetinaSharp.Data;
using RetinaSharp.Data.Coco;
using RetinaSharp.Structures;
using Xunit;

namespace RetinaSharp.Tests.Data;

public sealed class CocoDatasetTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Json(string images, string annotations, string categories = """[{"id": 9, "name": "zebra"}, {"id": 2, "name": "bird"}, {"id": 5, "name": "cat"}]""") =>
        _dir.Write("instances.json", $$"""{"images": {{images}}, "annotations": {{annotations}}, "categories": {{categories}}}""");

    private CocoDetectionDataset Open(string json, BadSamplePolicy policy = BadSamplePolicy.Skip) =>
        CocoDetectionDataset.Open(json, _dir["images"], DatasetOptions.Default with { Policy = policy });

    [Fact]
    public void MapsCategoriesCrowdAndNegatives()
    {
        _dir.WritePng("images/a.png", 100, 80);
        _dir.WritePng("images/b.png", 50, 60);
        _dir.WritePng("images/sub/c.png", 30, 30);
        var json = Json(
            """[{"id": 30, "file_name": "sub/c.png", "width": 30, "height": 30}, {"id": 7, "file_name": "a.png", "width": 100, "height": 80}, {"id": 12, "file_name": "b.png"}]""",
            """
            [{"id": 1, "image_id": 7, "category_id": 5, "bbox": [10.5, 20, 30, 15.25], "iscrowd": 0},
             {"id": 2, "image_id": 7, "category_id": 9, "bbox": [0, 0, 50, 40], "iscrowd": 1},
             {"id": 3, "image_id": 7, "category_id": 2, "bbox": [60, 10, 5, 5], "iscrowd": 0, "ignore": 1},
             {"id": 4, "image_id": 12, "category_id": 2, "bbox": [1, 2, 3, 4], "iscrowd": 0}]
            """);
        var ds = Open(json);

        // Labels by increasing category id: 2 → 0 (bird), 5 → 1 (cat), 9 → 2 (zebra).
        Assert.Equal(3, ds.Classes.Count);
        Assert.Equal(["bird", "cat", "zebra"], ds.Classes.Select(c => c.Name));
        Assert.Equal(1, ds.Classes.LabelOf(5));
        Assert.Equal(9, ds.Classes.CategoryIdOf(2));
        Assert.False(ds.Classes.TryGetLabel(3, out _));

        // Images by increasing id; the one without annotations is kept as a negative.
        Assert.Equal(3, ds.Count);
        Assert.Equal([7L, 12L, 30L], Enumerable.Range(0, 3).Select(i => ds.GetInfo(i).ImageId));
        Assert.Equal(new ImageSize(80, 100), ds.GetInfo(0).Size);
        Assert.Equal(new ImageSize(60, 50), ds.GetInfo(1).Size); // from the PNG header: the JSON has no size
        Assert.Equal(_dir["images/sub/c.png"], ds.GetInfo(2).FilePath);

        var t = ds.GetAnnotations(0);
        Assert.Equal([new Box(10.5f, 20, 40.5f, 35.25f)], t.Boxes);
        Assert.Equal([1], t.Labels);
        Assert.Equal([new Box(0, 0, 50, 40), new Box(60, 10, 65, 15)], t.IgnoreBoxes);
        Assert.Equal([2, 0], t.IgnoreLabels);
        Assert.Equal([new Box(1, 2, 4, 6)], ds.GetAnnotations(1).Boxes);
        Assert.Empty(ds.GetAnnotations(2).Boxes);
        Assert.Empty(ds.GetAnnotations(2).IgnoreBoxes);
        Assert.Equal(0, ds.Report.ErrorCount);
        Assert.Equal(0, ds.Report.WarningCount);
    }

    [Fact]
    public void SyntaxErrorNamesFileLineAndPosition()
    {
        var json = _dir.Write("bad.json", "{\"images\": [\n  {\"id\": 1,, \"file_name\": \"a.png\"}]}");
        var e = Assert.Throws<InvalidDataException>(() => Open(json));
        Assert.Contains(json, e.Message);
        Assert.Contains("line 2", e.Message);
        Assert.Contains("position", e.Message);
    }

    [Fact]
    public void MissingAndUnreadableImagesAreSkippedAndReported()
    {
        _dir.WritePng("images/ok.png", 20, 20);
        _dir.Write("images/garbage.png", "this is not an image");
        var json = Json("""[{"id": 1, "file_name": "ok.png"}, {"id": 2, "file_name": "gone.png", "width": 5, "height": 5}, {"id": 3, "file_name": "garbage.png"}]""", "[]");
        var ds = Open(json);
        Assert.Equal(1, ds.Count);
        Assert.Equal(2, ds.Report.SkippedSamples);
        var missing = Assert.Single(ds.Report.Problems, p => p.Kind == ProblemKind.MissingImage);
        Assert.Equal(json, missing.File);
        Assert.Equal("image 2", missing.Item);
        Assert.Contains("gone.png", missing.Message);
        var unreadable = Assert.Single(ds.Report.Problems, p => p.Kind == ProblemKind.UnreadableImage);
        Assert.Equal("image 3", unreadable.Item);
        Assert.Contains("garbage.png", unreadable.Message);

        var e = Assert.Throws<BadSampleException>(() => Open(json, BadSamplePolicy.Fail));
        Assert.Contains(json, e.Message);
        Assert.Contains("image 2", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void UnknownCategoryNamesAnnotationAndImage()
    {
        _dir.WritePng("images/a.png", 20, 20);
        var json = Json("""[{"id": 4, "file_name": "a.png"}]""", """[{"id": 77, "image_id": 4, "category_id": 3, "bbox": [1, 1, 2, 2]}]""");
        var ds = Open(json);
        Assert.Equal(0, ds.Count);
        var p = Assert.Single(ds.Report.Problems);
        Assert.Equal(ProblemKind.UnknownClass, p.Kind);
        Assert.Equal("annotation 77 (image 4)", p.Item);
        Assert.Contains("category_id 3", p.Message);
        var e = Assert.Throws<BadSampleException>(() => Open(json, BadSamplePolicy.Fail));
        Assert.Contains("annotation 77 (image 4)", e.Message);
    }

    [Fact]
    public void DegenerateBoxesAreDroppedAndOutsideBoxesClippedWithWarnings()
    {
        _dir.WritePng("images/a.png", 40, 30);
        var json = Json("""[{"id": 1, "file_name": "a.png", "width": 40, "height": 30}]""", """
            [{"id": 10, "image_id": 1, "category_id": 2, "bbox": [5, 5, 0, 10]},
             {"id": 11, "image_id": 1, "category_id": 2, "bbox": [5, 5, 10, -1]},
             {"id": 12, "image_id": 1, "category_id": 2, "bbox": [-3, 20, 10, 20]},
             {"id": 13, "image_id": 1, "category_id": 2, "bbox": [50, 5, 10, 10]},
             {"id": 14, "image_id": 1, "category_id": 5, "bbox": [1, 1, 2, 2]}]
            """);
        var ds = Open(json, BadSamplePolicy.Fail); // warnings never throw
        Assert.Equal(1, ds.Count);
        Assert.Equal([new Box(0, 20, 7, 30), new Box(1, 1, 3, 3)], ds.GetAnnotations(0).Boxes);
        Assert.Equal([0, 1], ds.GetAnnotations(0).Labels);
        var problems = ds.Report.Problems;
        Assert.All(problems, p => Assert.Equal(ProblemSeverity.Warning, p.Severity));
        Assert.Contains(problems, p => p.Kind == ProblemKind.DegenerateBox && p.Item == "annotation 10 (image 1)" && p.Message.Contains("x2 <= x1"));
        Assert.Contains(problems, p => p.Kind == ProblemKind.DegenerateBox && p.Item == "annotation 11 (image 1)" && p.Message.Contains("y2 <= y1"));
        Assert.Contains(problems, p => p.Kind == ProblemKind.BoxClipped && p.Item == "annotation 12 (image 1)" && p.Message.Contains("clipped to [0, 20, 7, 30]"));
        Assert.Contains(problems, p => p.Kind == ProblemKind.DegenerateBox && p.Item == "annotation 13 (image 1)" && p.Message.Contains("outside"));
        Assert.Equal(4, problems.Count);
        Assert.All(problems, p => Assert.Equal(json, p.File));
    }

    [Fact]
    public void NonFiniteAndMalformedBoxesRejectTheImage()
    {
        _dir.WritePng("images/a.png", 40, 30);
        _dir.WritePng("images/b.png", 40, 30);
        var json = Json("""[{"id": 1, "file_name": "a.png"}, {"id": 2, "file_name": "b.png"}]""", """
            [{"id": 20, "image_id": 1, "category_id": 2, "bbox": [1e39, 5, 3, 3]},
             {"id": 21, "image_id": 2, "category_id": 2, "bbox": [1, 2, 3]}]
            """);
        var ds = Open(json);
        Assert.Equal(0, ds.Count);
        Assert.Contains(ds.Report.Problems, p => p.Kind == ProblemKind.NonFiniteCoordinate && p.Item == "annotation 20 (image 1)");
        Assert.Contains(ds.Report.Problems, p => p.Kind == ProblemKind.InvalidValue && p.Item == "annotation 21 (image 2)" && p.Message.Contains("expected 4"));
        var e = Assert.Throws<BadSampleException>(() => Open(json, BadSamplePolicy.Fail));
        Assert.Contains("annotation 20 (image 1)", e.Message);
        Assert.Contains("not a finite", e.Message);
    }

    [Fact]
    public void FileNamesEscapingTheRootAreRefused()
    {
        _dir.WritePng("secret.png", 10, 10);
        _dir.WritePng("images/ok.png", 10, 10);
        var json = Json($$"""[{"id": 1, "file_name": "../secret.png"}, {"id": 2, "file_name": "{{_dir["secret.png"]}}"}, {"id": 3, "file_name": "ok.png"}, {"id": 4, "file_name": "sub/../../secret.png"}]""", "[]");
        var ds = Open(json);
        Assert.Equal(1, ds.Count);
        Assert.Equal(3L, ds.GetInfo(0).ImageId);
        var refused = ds.Report.Problems.Where(p => p.Kind == ProblemKind.PathOutsideRoot).ToList();
        Assert.Equal(["image 1", "image 2", "image 4"], refused.Select(p => p.Item));
        Assert.Contains("outside the image root", refused[0].Message);
        Assert.Contains("absolute image path", refused[1].Message);

        var allowed = CocoDetectionDataset.Open(json, _dir["images"], DatasetOptions.Default with { AllowImagesOutsideRoot = true });
        Assert.Equal(4, allowed.Count);
    }

    [Fact]
    public void DuplicateImageIdsAndOrphanAnnotationsAreReported()
    {
        _dir.WritePng("images/a.png", 10, 10);
        _dir.WritePng("images/b.png", 10, 10);
        _dir.WritePng("images/c.png", 10, 10);
        var json = Json("""[{"id": 5, "file_name": "a.png"}, {"id": 5, "file_name": "b.png"}, {"id": 6, "file_name": "c.png"}]""",
            """[{"id": 1, "image_id": 5, "category_id": 2, "bbox": [1, 1, 2, 2]}, {"id": 2, "image_id": 99, "category_id": 2, "bbox": [1, 1, 2, 2]}]""");
        var ds = Open(json);
        Assert.Equal(1, ds.Count);
        Assert.Equal(6L, ds.GetInfo(0).ImageId);
        var dups = ds.Report.Problems.Where(p => p.Kind == ProblemKind.DuplicateImageId).ToList();
        Assert.Equal(2, dups.Count);
        Assert.All(dups, p => Assert.Contains("appears 2 times", p.Message));
        Assert.Equal(2, ds.Report.SkippedSamples);
        var orphan = Assert.Single(ds.Report.Problems, p => p.Kind == ProblemKind.OrphanAnnotation);
        Assert.Equal("annotation 2 (image 99)", orphan.Item);
        var e = Assert.Throws<BadSampleException>(() => Open(json, BadSamplePolicy.Fail));
        Assert.Contains("image 5", e.Message);
    }
}
