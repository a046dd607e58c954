using RetinaSharp.Postprocessing;

namespace RetinaSharp.Export;

/// <summary>How <see cref="RetinaNetOnnxExporter"/> writes a model.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The lowest opset written: Unsqueeze, Squeeze and Resize take their current inputs from 13 on.</summary>
    public const int MinOpset = 13;

    /// <summary>The highest opset written (ONNX 1.16; ONNX Runtime 1.17 and later run it).</summary>
    public const int MaxOpset = 21;

    /// <summary>The default opset: ONNX 1.12 and ONNX Runtime 1.12 and later, so older tools can check and run the file too.</summary>
    public const int DefaultOpset = 17;

    /// <summary>The ONNX operator set the graph declares.</summary>
    public int Opset { get; init; } = DefaultOpset;

    /// <summary>
    /// Writes only the network: a normalised, padded batch [N, 3, H, W] in, per-level class logits
    /// and box deltas out (no resize, anchors or post-processing).
    /// </summary>
    public bool Raw { get; init; }

    /// <summary>Thresholds baked into the default graph; null takes the detector's <see cref="RetinaNetDetector.Inference"/>.</summary>
    public InferenceOptions? Inference { get; init; }

    public void Validate()
    {
        if (Opset is < MinOpset or > MaxOpset)
            throw new ArgumentException($"Opset {Opset} is not supported: choose {MinOpset} to {MaxOpset} (default {DefaultOpset}).");
        Inference?.Validate();
    }

    /// <summary>The IR version ONNX pairs with an opset (the oldest that can hold it).</summary>
    internal static long IrVersionFor(int opset) => opset switch
    {
        <= 14 => 7,
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };
}
