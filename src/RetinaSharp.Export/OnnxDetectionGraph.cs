using RetinaSharp.Anchors;
using RetinaSharp.Boxes;
using RetinaSharp.Models;
using RetinaSharp.Postprocessing;
using static RetinaSharp.Export.OnnxGraphBuilder;
using DataType = RetinaSharp.Export.Onnx.TensorProto.Types.DataType;

namespace RetinaSharp.Export;

/// <summary>
/// The whole detector as one graph with torchvision's export contract: an RGB image [3, H, W] in
/// [0, 1] of any size in; boxes (x1, y1, x2, y2 in the input's pixels), scores and category ids
/// out. Each step follows the library's own: DetectionTransform's resize rule and normalisation,
/// padding to a multiple of 32, the network, AnchorGenerator's anchors for the padded size,
/// RetinaNetPostProcessor (per-level threshold and top-k, BoxCoder, clip, class-wise NMS, the
/// per-image cap) and BatchItem.ToOriginal.
/// </summary>
internal sealed class OnnxDetectionGraph(OnnxGraphBuilder g, RetinaNet model, InferenceOptions inference, IReadOnlyList<long> categoryIds, int sizeDivisible)
{
    private RetinaNetConfig Config => model.Config;

    public void Build()
    {
        var image = g.Input("image", DataType.Float, 3L, "height", "width");
        var (padded, resizedH, resizedW, origH, origW) = Preprocess(image);
        var levels = new RetinaNetOnnxNetwork(g, model).Forward(padded);
        var paddedH = g.Dim(padded, 2);
        var paddedW = g.Dim(padded, 3);
        var resizedHf = g.Cast(resizedH, DataType.Float);
        var resizedWf = g.Cast(resizedW, DataType.Float);
        var cells = AnchorGeneratorCells();
        var boxes = new string[levels.Length];
        var scores = new string[levels.Length];
        var labels = new string[levels.Length];
        for (int l = 0; l < levels.Length; l++)
            (boxes[l], scores[l], labels[l]) = Level(levels[l], cells[l], paddedH, paddedW, resizedHf, resizedWf);
        var allBoxes = g.Concat(0, boxes);
        var allScores = g.Concat(0, scores);
        var allLabels = g.Concat(0, labels);
        var keep = BatchedNms(allBoxes, allScores, allLabels, levels.Length);
        var finalBoxes = g.Gather(allBoxes, keep);
        var finalScores = g.Gather(allScores, keep);
        var finalLabels = g.Gather(allLabels, keep);
        // Back to the input's pixels by original / resized per axis, in float32 (BatchItem.ToOriginal).
        var rw = g.Op("Div", g.Cast(origW, DataType.Float), resizedWf);
        var rh = g.Op("Div", g.Cast(origH, DataType.Float), resizedHf);
        var ratios = g.Concat(0, g.Unsqueeze(rw, 0), g.Unsqueeze(rh, 0), g.Unsqueeze(rw, 0), g.Unsqueeze(rh, 0));
        var ids = g.Int64s("category_ids", categoryIds.ToArray(), categoryIds.Count);
        g.Output(g.Op("Mul", finalBoxes, ratios), "boxes", DataType.Float, "detections", 4L);
        g.Output(finalScores, "scores", DataType.Float, "detections");
        g.Output(g.Gather(ids, finalLabels), "labels", DataType.Int64, "detections");
    }

    /// <summary>Normalise, resize (torchvision's scale rule, bilinear), pad; returns the padded [1, 3, H', W'] and the sizes.</summary>
    private (string Padded, string ResizedH, string ResizedW, string H, string W) Preprocess(string image)
    {
        var h = g.Dim(image, 1);
        var w = g.Dim(image, 2);
        var hf = g.Cast(h, DataType.Float);
        var wf = g.Cast(w, DataType.Float);
        // min(minSize / short, maxSize / long) with each quotient a float32 reciprocal times the size, as torch evaluates it.
        var byShort = g.Op("Mul", g.Op("Reciprocal", g.Op("Min", hf, wf)), g.Scalar((float)Config.MinSize));
        var byLong = g.Op("Mul", g.Op("Reciprocal", g.Op("Max", hf, wf)), g.Scalar((float)Config.MaxSize));
        var scale = g.Cast(g.Op("Min", byShort, byLong), DataType.Double);
        // floor(side · scale) in double, at least 1 (DetectionTransform.ResizedSize).
        string Scaled(string side) =>
            g.Op("Max", g.Cast(g.Op("Floor", g.Op("Mul", g.Cast(side, DataType.Double), scale)), DataType.Int64), g.Scalar(1L));
        var newH = Scaled(h);
        var newW = Scaled(w);
        var mean = g.Floats("image_mean", Config.ImageMean, 3, 1, 1);
        var std = g.Floats("image_std", Config.ImageStd, 3, 1, 1);
        var normalized = g.Unsqueeze(g.Op("Div", g.Op("Sub", image, mean), std), 0);
        var sizes = g.Concat(0, g.Vector(1, 3), g.Unsqueeze(newH, 0), g.Unsqueeze(newW, 0));
        var resized = g.Op("Resize", [normalized, "", "", sizes],
            Attr("mode", "linear"), Attr("coordinate_transformation_mode", "half_pixel"));
        var divisible = g.Scalar((long)sizeDivisible);
        string PadOf(string side) => g.Op("Mod", g.Op("Sub", divisible, g.Op("Mod", side, divisible)), divisible);
        var pads = g.Concat(0, g.Vector(0, 0, 0, 0, 0, 0), g.Unsqueeze(PadOf(newH), 0), g.Unsqueeze(PadOf(newW), 0));
        var padded = g.Op("Pad", [resized, pads], Attr("mode", "constant"));
        return (padded, newH, newW, h, w);
    }

    private float[][] AnchorGeneratorCells()
    {
        var sizes = Config.AnchorSizesPerLevel();
        var cells = new float[sizes.Length][];
        for (int l = 0; l < sizes.Length; l++) cells[l] = AnchorGenerator.CellAnchors(sizes[l], Config.AspectRatios);
        return cells;
    }

    /// <summary>
    /// One level's candidates: the top-k sigmoid scores (k = min(TopKCandidates, all)), of them
    /// those strictly above the threshold — the same set as thresholding first — decoded against
    /// their anchors and clipped to the resized image.
    /// </summary>
    private (string Boxes, string Scores, string Labels) Level((string Logits, string Deltas, string Feature) level, float[] cell,
        string paddedH, string paddedW, string resizedHf, string resizedWf)
    {
        int k = Config.NumClasses, a = Config.AnchorsPerLocation;
        var scores = g.Op("Sigmoid", g.Reshape(level.Logits, -1));
        var count = g.Op("Min", g.Op("Size", scores), g.Scalar((long)inference.TopKCandidates));
        var top = g.Node("TopK", [scores, g.Unsqueeze(count, 0)], 2, Attr("axis", 0L), Attr("largest", 1L), Attr("sorted", 1L));
        var above = g.Op("Greater", top[0], g.Scalar(inference.ScoreThreshold));
        var candScores = g.Op("Compress", [top[0], above], Attr("axis", 0L));
        var flat = g.Op("Compress", [top[1], above], Attr("axis", 0L));
        var kScalar = g.Scalar((long)k);
        var anchorIndex = g.Op("Div", flat, kScalar);
        var label = g.Op("Mod", flat, kScalar);
        var deltas = g.Gather(g.Reshape(level.Deltas, -1, 4), anchorIndex);
        var anchors = Anchors(anchorIndex, level.Feature, cell, a, paddedH, paddedW);
        var boxes = Decode(deltas, anchors, resizedHf, resizedWf);
        return (boxes, candScores, label);
    }

    /// <summary>
    /// The anchors at the given indices of one level, computed from the feature map's size:
    /// index = (y·W + x)·A + a, anchor = (x·sx, y·sy, x·sx, y·sy) + cell[a] with stride
    /// padded size // feature size (AnchorGenerator.Generate, here only for the candidates).
    /// </summary>
    private string[] Anchors(string index, string feature, float[] cell, int a, string paddedH, string paddedW)
    {
        var fh = g.Dim(feature, 2);
        var fw = g.Dim(feature, 3);
        var strideY = g.Op("Div", paddedH, fh);
        var strideX = g.Op("Div", paddedW, fw);
        var aScalar = g.Scalar((long)a);
        var position = g.Op("Div", index, aScalar);
        var which = g.Op("Mod", index, aScalar);
        var sy = g.Cast(g.Op("Mul", g.Op("Div", position, fw), strideY), DataType.Float);
        var sx = g.Cast(g.Op("Mul", g.Op("Mod", position, fw), strideX), DataType.Float);
        var result = new string[4];
        for (int c = 0; c < 4; c++)
        {
            var column = new float[a];
            for (int i = 0; i < a; i++) column[i] = cell[i * 4 + c];
            var offsets = g.Gather(g.Floats("cell_anchors", column, a), which);
            result[c] = g.Op("Add", c % 2 == 0 ? sx : sy, offsets);
        }
        return result;
    }

    /// <summary>BoxCoder.Decode with unit weights and the log(1000/16) clamp, then BoxOps.ClipToImage; returns [n, 4].</summary>
    private string Decode(string deltas, string[] anchor, string resizedHf, string resizedWf)
    {
        string Column(int c) => g.Gather(deltas, g.Scalar((long)c), axis: 1);
        var half = g.Scalar(0.5f);
        var clip = g.Scalar(BoxCoder.DefaultClip);
        var w = g.Op("Sub", anchor[2], anchor[0]);
        var h = g.Op("Sub", anchor[3], anchor[1]);
        var cx = g.Op("Add", anchor[0], g.Op("Mul", half, w));
        var cy = g.Op("Add", anchor[1], g.Op("Mul", half, h));
        var px = g.Op("Add", g.Op("Mul", Column(0), w), cx);
        var py = g.Op("Add", g.Op("Mul", Column(1), h), cy);
        var hw = g.Op("Mul", half, g.Op("Mul", g.Op("Exp", g.Op("Min", Column(2), clip)), w));
        var hh = g.Op("Mul", half, g.Op("Mul", g.Op("Exp", g.Op("Min", Column(3), clip)), h));
        var zero = g.Scalar(0f);
        string ClipTo(string v, string limit) => g.Unsqueeze(g.Op("Min", g.Op("Max", v, zero), limit), 1);
        return g.Concat(1,
            ClipTo(g.Op("Sub", px, hw), resizedWf), ClipTo(g.Op("Sub", py, hh), resizedHf),
            ClipTo(g.Op("Add", px, hw), resizedWf), ClipTo(g.Op("Add", py, hh), resizedHf));
    }

    /// <summary>
    /// Nms.Batched: NonMaxSuppression with one score row per class (a candidate scores −1, below
    /// the −0.5 cut, in every class but its own), so boxes of different classes never meet; then
    /// the kept candidates by decreasing score, ties by candidate order, at most DetectionsPerImage.
    /// </summary>
    private string BatchedNms(string boxes, string scores, string labels, int levels)
    {
        int k = Config.NumClasses;
        var classes = new long[k];
        for (int i = 0; i < k; i++) classes[i] = i;
        var classColumn = g.Int64s("class_indices", classes, k, 1);
        var own = g.Op("Equal", g.Unsqueeze(labels, 0), classColumn);
        var perClass = g.Op("Where", own, g.Unsqueeze(scores, 0), g.Scalar(-1f));
        var maxPerClass = g.Vector((long)levels * inference.TopKCandidates);
        var iou = g.Floats("nms_iou_threshold", [(float)inference.NmsThreshold], 1);
        var floor = g.Floats("nms_score_floor", [-0.5f], 1);
        var selected = g.Op("NonMaxSuppression", [g.Unsqueeze(boxes, 0), g.Unsqueeze(perClass, 0), maxPerClass, iou, floor], Attr("center_point_box", 0L));
        var kept = g.Gather(selected, g.Scalar(2L), axis: 1);
        var keptCount = g.Unsqueeze(g.Op("Size", kept), 0);
        // Candidate order first, so that equal scores keep it in the stable sort below.
        var inOrder = g.Node("TopK", [kept, keptCount], 2, Attr("axis", 0L), Attr("largest", 0L), Attr("sorted", 1L))[0];
        var keptScores = g.Gather(scores, inOrder);
        var cap = g.Unsqueeze(g.Op("Min", g.Op("Size", kept), g.Scalar((long)inference.DetectionsPerImage)), 0);
        var best = g.Node("TopK", [keptScores, cap], 2, Attr("axis", 0L), Attr("largest", 1L), Attr("sorted", 1L))[1];
        return g.Gather(inOrder, best);
    }
}
