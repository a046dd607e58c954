using RetinaSharp.Data;
using RetinaSharp.Data.Coco;
using RetinaSharp.Data.Loading;
using RetinaSharp.Models;
using RetinaSharp.Postprocessing;
using RetinaSharp.Structures;

namespace RetinaSharp.Evaluation;

/// <summary>Runs a model over a data set and scores it with the COCO metrics.</summary>
public static class DetectorEvaluation
{
    /// <summary>The COCO protocol: at most 100 detections per image.</summary>
    public const int CocoDetectionsPerImage = 100;

    /// <summary>
    /// Detections in original image coordinates for every readable image of the set, through the
    /// data loader (evaluation size, no augmentation, batches of equal padded size, so each image's
    /// detections are those it gets alone).
    /// </summary>
    public static List<ImageDetections> Predict(RetinaNet model, IDetectionDataset dataset, InferenceOptions? options = null, int batchSize = 4,
        IProgress<int>? progress = null)
    {
        var results = new List<ImageDetections>(dataset.Count);
        using var loader = new DetectionDataLoader(dataset, DataLoaderOptions.Evaluation(batchSize, model.Config.Transform) with { Workers = 1 });
        int done = 0;
        foreach (var batch in loader.ReadEpoch(0))
        {
            using (batch) results.AddRange(model.Predict(batch, options));
            done += batch.Count + batch.SkippedImages;
            progress?.Report(done);
        }
        return results;
    }

    /// <summary>COCO metrics of the model on the set, with the protocol's 100 detections per image.</summary>
    /// <param name="categoryIdOf">The category id of a label; default: the data set's class list (the model was trained on it).</param>
    public static CocoEvalResult Evaluate(RetinaNet model, IDetectionDataset dataset, int batchSize = 4, IProgress<int>? progress = null,
        Func<int, long>? categoryIdOf = null) =>
        PredictAndEvaluate(model, dataset, batchSize, progress, categoryIdOf).Result;

    /// <summary>
    /// The detections (COCO's 100 per image) and their COCO metrics, for callers that look further
    /// into the detections (a report's confusion matrix and curves).
    /// </summary>
    public static (List<ImageDetections> Detections, CocoEvalResult Result) PredictAndEvaluate(RetinaNet model, IDetectionDataset dataset, int batchSize = 4,
        IProgress<int>? progress = null, Func<int, long>? categoryIdOf = null)
    {
        var options = model.Config.Inference with { DetectionsPerImage = CocoDetectionsPerImage };
        var detections = Predict(model, dataset, options, batchSize, progress);
        categoryIdOf ??= label => dataset.Classes[label].CategoryId;
        return (detections, CocoEvaluator.Evaluate(CocoGroundTruth.From(dataset), CocoResultsWriter.ToResults(detections, categoryIdOf)));
    }

    /// <summary>
    /// The training loss on a set, per image and averaged over its readable images: the same matching
    /// and normalisation as training, without augmentation, at the evaluation size.
    /// </summary>
    public static (double Classification, double BoxRegression) Loss(RetinaNet model, IDetectionDataset dataset, int batchSize = 4)
    {
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var noGrad = Tensors.Autograd.NoGrad();
            using var loader = new DetectionDataLoader(dataset, DataLoaderOptions.Evaluation(batchSize, model.Config.Transform) with { Workers = 1 });
            double cls = 0, box = 0;
            int images = 0;
            foreach (var batch in loader.ReadEpoch(0))
            {
                using var owned = batch;
                using var scope = Tensors.TensorScope.Enter();
                var output = model.ForwardHeads(batch);
                var targets = new DetectionTarget[batch.Count];
                for (int i = 0; i < targets.Length; i++) targets[i] = batch.Items[i].ToTarget();
                var loss = model.ComputeLoss(output, targets);
                // The loss is a mean over the batch's images: weight it by their number.
                cls += loss.Classification.Item() * batch.Count;
                box += loss.BoxRegression.Item() * batch.Count;
                images += batch.Count;
            }
            return images == 0 ? (double.NaN, double.NaN) : (cls / images, box / images);
        }
        finally
        {
            if (wasTraining) model.Train();
        }
    }

    /// <summary>What the trainer logs at each evaluation: the 12 COCO numbers and the validation loss (val_classification, val_box_regression).</summary>
    public static Dictionary<string, double> Validate(RetinaNet model, IDetectionDataset dataset, int batchSize = 4)
    {
        var metrics = ToDictionary(Evaluate(model, dataset, batchSize));
        var (cls, box) = Loss(model, dataset, batchSize);
        metrics["val_classification"] = cls;
        metrics["val_box_regression"] = box;
        return metrics;
    }

    /// <summary>The 12 COCO numbers by name (AP, AP50, …) for logs and summaries.</summary>
    public static Dictionary<string, double> ToDictionary(CocoEvalResult r)
    {
        var d = new Dictionary<string, double>();
        for (int i = 0; i < CocoEvalResult.StatNames.Count; i++) d[CocoEvalResult.StatNames[i]] = r.Stats[i];
        return d;
    }
}
