using RetinaSharp.Data;
using RetinaSharp.Data.Coco;
using RetinaSharp.Evaluation;
using RetinaSharp.Imaging;
using RetinaSharp.Structures;

namespace RetinaSharp.Tests.Reporting;

/// <summary>
/// Two 100×100 images, classes a, b, c (category ids 1, 2, 3), with one of each kind of outcome:
///
/// Image 1: ground truth A1 a [0,0,20,20], B1 b [50,50,70,70], A2 a [0,60,20,80]; a crowd region of
/// class a at [70,0,100,30]. Detections:
///   d1 a 0.9 on A1 exactly (IoU 1)                      — found
///   d2 a 0.8 at [1,1,21,21] (IoU 361/439 = 0.82 with A1) — duplicate of A1
///   d3 a 0.7 on B1 exactly                               — class confusion (b seen as a)
///   d4 b 0.6 at [30,30,40,40], on nothing                — background false positive
///   d5 a 0.5 at [72,2,98,28], inside the crowd           — neither counted nor penalised
///   d6 a 0.1 on A2 exactly                               — below the matrix's 0.25, so A2 is missed there
/// Image 2: ground truth B2 b [10,10,50,50]. Detections:
///   d7 b 0.95 at [10,10,50,48] (IoU 1520/1600 = 0.95)    — found
///   d8 b 0.3 at [60,60,90,90]                            — background false positive
///   d9 c 0.4 at [0,70,20,90]; class c has no ground truth — background false positive
/// </summary>
internal static class HandBuiltCase
{
    public static InMemoryDetectionDataset Dataset()
    {
        var classes = ClassList.FromNames(["a", "b", "c"]);
        var one = new ImageAnnotations(
            [new Box(0, 0, 20, 20), new Box(50, 50, 70, 70), new Box(0, 60, 20, 80)], [0, 1, 0],
            [new Box(70, 0, 100, 30)], [0]);
        var two = new ImageAnnotations([new Box(10, 10, 50, 50)], [1], [], []);
        return new InMemoryDetectionDataset(classes,
        [
            (new SampleInfo(1, "one.png", "one.png", new ImageSize(100, 100)), one, Gradient(1)),
            (new SampleInfo(2, "two.png", "two.png", new ImageSize(100, 100)), two, Gradient(2)),
        ]);
    }

    public static List<ImageDetections> Detections() =>
    [
        new(1, new ImageSize(100, 100),
        [
            new Detection(new Box(0, 0, 20, 20), 0.9f, 0),
            new Detection(new Box(1, 1, 21, 21), 0.8f, 0),
            new Detection(new Box(50, 50, 70, 70), 0.7f, 0),
            new Detection(new Box(30, 30, 40, 40), 0.6f, 1),
            new Detection(new Box(72, 2, 98, 28), 0.5f, 0),
            new Detection(new Box(0, 60, 20, 80), 0.1f, 0),
        ]),
        new(2, new ImageSize(100, 100),
        [
            new Detection(new Box(10, 10, 50, 48), 0.95f, 1),
            new Detection(new Box(0, 70, 20, 90), 0.4f, 2),
            new Detection(new Box(60, 60, 90, 90), 0.3f, 1),
        ]),
    ];

    public static long CategoryIdOf(int label) => label + 1;

    public static CocoEvalResult Evaluate(IDetectionDataset dataset, IReadOnlyList<ImageDetections> detections) =>
        CocoEvaluator.Evaluate(CocoGroundTruth.From(dataset), CocoResultsWriter.ToResults(detections, CategoryIdOf));

    private static RgbImage Gradient(int seed)
    {
        var image = new RgbImage(100, 100);
        for (int y = 0; y < 100; y++)
            for (int x = 0; x < 100; x++)
            {
                int i = (y * 100 + x) * 3;
                image.Pixels[i] = (byte)(x * 2);
                image.Pixels[i + 1] = (byte)(y * 2);
                image.Pixels[i + 2] = (byte)(60 * seed);
            }
        return image;
    }
}
