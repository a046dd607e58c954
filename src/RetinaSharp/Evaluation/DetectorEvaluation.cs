using RetinaSharp.Data.Coco;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Models;
using RetinaSharp.Postprocessing;
using RetinaSharp.Tensors;

namespace RetinaSharp.Evaluation;

/// <summary>Runs a model over a COCO set and scores it with the COCO metrics (100 detections per image).</summary>
public static class DetectorEvaluation
{
    /// <summary>Detections in original image coordinates, with COCO category ids, for every image of the set.</summary>
    public static List<CocoDetection> Predict(RetinaNet model, CocoSamples samples, int batchSize = 4, IProgress<int>? progress = null)
    {
        var config = model.Config;
        var transform = new DetectionTransform(config.ImageMean, config.ImageStd);
        var results = new List<CocoDetection>();
        bool wasTraining = model.Training;
        model.Eval();
        using var _ = Autograd.NoGrad();
        for (int start = 0; start < samples.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, samples.Count - start);
            var images = new TransformedImage[n];
            var ids = new long[n];
            Parallel.For(0, n, k =>
            {
                var s = samples.Load(start + k);
                images[k] = transform.Apply(s.Image, config.MinSize, config.MaxSize);
                ids[k] = s.ImageId;
            });
            var (h, w) = transform.BatchSize(images);
            using var scope = TensorScope.Enter();
            var batch = Tensor.FromArray(transform.Pad(images, h, w), n, 3, h, w);
            using var output = model.ForwardHeads(batch);
            var dets = model.Postprocess(output, images.Select(i => (i.Height, i.Width)).ToList());
            for (int k = 0; k < n; k++)
            {
                var mapped = RetinaNetPostProcessor.MapToOriginal(dets[k], images[k].Height, images[k].Width, images[k].OriginalHeight, images[k].OriginalWidth);
                foreach (var d in mapped)
                    results.Add(new CocoDetection(ids[k], samples.CategoryIds[d.Label], d.X1, d.Y1, d.X2 - d.X1, d.Y2 - d.Y1, d.Score));
            }
            progress?.Report(start + n);
        }
        if (wasTraining) model.Train();
        return results;
    }

    /// <summary>COCO metrics of the model on the set, with the protocol's 100 detections per image.</summary>
    public static CocoEvalResult Evaluate(RetinaNet model, CocoSamples samples, int batchSize = 4, IProgress<int>? progress = null)
    {
        var saved = model.PostProcessor;
        model.SetInference(detectionsPerImage: 100);
        try
        {
            return CocoEvaluator.Evaluate(samples.File_, Predict(model, samples, batchSize, progress));
        }
        finally
        {
            model.SetInference(saved.ScoreThreshold, saved.NmsThreshold, saved.DetectionsPerImage, saved.TopKCandidates);
        }
    }

    /// <summary>The 12 COCO numbers by name (AP, AP50, …) for logs and summaries.</summary>
    public static Dictionary<string, double> ToDictionary(CocoEvalResult r)
    {
        var d = new Dictionary<string, double>();
        for (int i = 0; i < CocoEvalResult.StatNames.Count; i++) d[CocoEvalResult.StatNames[i]] = r.Stats[i];
        return d;
    }
}
