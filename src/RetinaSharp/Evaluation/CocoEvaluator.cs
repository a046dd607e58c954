using RetinaSharp.Data.Coco;

namespace RetinaSharp.Evaluation;

/// <summary>
/// COCO box evaluation with pycocotools' semantics (COCOeval with iouType "bbox"): evaluate,
/// accumulate and summarize, giving the same numbers to the last bit.
/// </summary>
public static class CocoEvaluator
{
    /// <summary>Evaluates detections in the COCO results format against a COCO ground-truth file.</summary>
    /// <exception cref="InvalidDataException">A box is not 4 finite numbers, or a result names an image the ground truth lacks.</exception>
    public static CocoEvalResult Evaluate(CocoFile groundTruth, IReadOnlyList<CocoResult> detections, CocoEvalParams? p = null) =>
        Evaluate(groundTruth, "ground truth", ToDetections(detections, "detections"), "detections", p);

    /// <summary>Loads a COCO ground-truth file and a results file and evaluates; errors name the file and the item.</summary>
    /// <exception cref="FileNotFoundException">A file cannot be opened.</exception>
    /// <exception cref="InvalidDataException">A file is not valid JSON of the expected shape, or its content is inconsistent.</exception>
    public static CocoEvalResult EvaluateFiles(string groundTruthPath, string detectionsPath, CocoEvalParams? p = null)
    {
        var groundTruth = CocoFile.Load(groundTruthPath);
        var results = CocoResult.LoadList(detectionsPath);
        return Evaluate(groundTruth, groundTruthPath, ToDetections(results, detectionsPath), detectionsPath, p);
    }

    internal static CocoEvalResult Evaluate(CocoFile groundTruth, string groundTruthSource,
        IReadOnlyList<CocoDetection> detections, string detectionsSource, CocoEvalParams? p)
    {
        p ??= CocoEvalParams.Default;
        var maxDets = p.Validate();
        var data = EvalDataset.Build(groundTruth, groundTruthSource, detections, detectionsSource);
        var acc = new CocoEvalAccumulation(p, maxDets, data.CategoryIds);
        // Categories are independent and write disjoint slots of the arrays: evaluate them in parallel,
        // each worker with its own buffers. The numbers do not depend on the schedule.
        Parallel.For(0, data.CategoryIds.Length,
            () => (new ImageMatcher(p.IouThresholds, p.AreaRanges, maxDets[^1]),
                   new CategoryEvaluation(p.IouThresholds.Count, p.AreaRanges.Count),
                   new CategoryAccumulator(acc)),
            (k, _, worker) =>
            {
                EvaluateCategory(data, k, worker.Item1, worker.Item2, worker.Item3);
                return worker;
            },
            _ => { });

        var stats = CocoEvalSummarizer.Summarize(acc);
        var perCategory = CocoEvalSummarizer.PerCategory(acc, data.CategoryNames);
        return new CocoEvalResult(stats, perCategory, acc, data.UnknownCategoryDetections);
    }

    private static void EvaluateCategory(EvalDataset data, int k, ImageMatcher matcher, CategoryEvaluation category, CategoryAccumulator accumulator)
    {
        category.Clear();
        var gts = data.GroundTruth.AsSpan(data.GroundTruthStart[k]..data.GroundTruthStart[k + 1]);
        var dts = data.Detections.AsSpan(data.DetectionStart[k]..data.DetectionStart[k + 1]);
        // Both runs are sorted by image: walk them together, one image at a time.
        int gi = 0, di = 0;
        while (gi < gts.Length || di < dts.Length)
        {
            var image = Math.Min(gi < gts.Length ? gts[gi].ImageIndex : int.MaxValue,
                                 di < dts.Length ? dts[di].ImageIndex : int.MaxValue);
            var gEnd = gi;
            while (gEnd < gts.Length && gts[gEnd].ImageIndex == image) gEnd++;
            var dEnd = di;
            while (dEnd < dts.Length && dts[dEnd].ImageIndex == image) dEnd++;
            matcher.Evaluate(gts[gi..gEnd], dts[di..dEnd], category);
            gi = gEnd;
            di = dEnd;
        }
        accumulator.Accumulate(category, k);
    }

    /// <summary>loadRes for boxes: checks each result; ids 1..N, area w×h and iscrowd 0 are implied.</summary>
    internal static CocoDetection[] ToDetections(IReadOnlyList<CocoResult> results, string source)
    {
        ArgumentNullException.ThrowIfNull(results);
        var detections = new CocoDetection[results.Count];
        for (var i = 0; i < detections.Length; i++)
        {
            var r = results[i] ?? throw new InvalidDataException($"{source}: results[{i}] is null, not a result object.");
            if (r.Bbox is not { Length: 4 } b)
            {
                throw new InvalidDataException(
                    $"{source}: results[{i}] (image_id {r.ImageId}, category_id {r.CategoryId}): bbox must hold 4 numbers [x, y, width, height], found {r.Bbox?.Length ?? 0}.");
            }
            detections[i] = new CocoDetection(r.ImageId, r.CategoryId, b[0], b[1], b[2], b[3], r.Score);
        }
        return detections;
    }
}
