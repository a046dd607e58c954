namespace RetinaSharp.Boxes;

/// <summary>
/// Encodes boxes as offsets from anchors and back, as torchvision's BoxCoder: on centres and sizes,
/// dx = wx·(gx − ax)/aw, dy = wy·(gy − ay)/ah, dw = ww·log(gw/aw), dh = wh·log(gh/ah), with widths
/// x2 − x1 (no +1). Decoding clamps dw and dh at log(1000/16) so exp cannot overflow.
/// </summary>
public sealed class BoxCoder(float wx = 1, float wy = 1, float ww = 1, float wh = 1, float? clip = null)
{
    public static readonly float DefaultClip = (float)Math.Log(1000.0 / 16);

    public float Wx { get; } = wx;
    public float Wy { get; } = wy;
    public float Ww { get; } = ww;
    public float Wh { get; } = wh;
    public float Clip { get; } = clip ?? DefaultClip;

    /// <summary>Regression targets for <paramref name="boxes"/> relative to <paramref name="anchors"/> (same count).</summary>
    public void Encode(ReadOnlySpan<float> boxes, ReadOnlySpan<float> anchors, Span<float> deltas)
    {
        for (int i = 0; i < anchors.Length; i += 4)
        {
            float exW = anchors[i + 2] - anchors[i], exH = anchors[i + 3] - anchors[i + 1];
            float exX = anchors[i] + 0.5f * exW, exY = anchors[i + 1] + 0.5f * exH;
            float gtW = boxes[i + 2] - boxes[i], gtH = boxes[i + 3] - boxes[i + 1];
            float gtX = boxes[i] + 0.5f * gtW, gtY = boxes[i + 1] + 0.5f * gtH;
            deltas[i] = Wx * (gtX - exX) / exW;
            deltas[i + 1] = Wy * (gtY - exY) / exH;
            deltas[i + 2] = Ww * MathF.Log(gtW / exW);
            deltas[i + 3] = Wh * MathF.Log(gtH / exH);
        }
    }

    /// <summary>Boxes from <paramref name="deltas"/> applied to <paramref name="anchors"/> (same count).</summary>
    public void Decode(ReadOnlySpan<float> deltas, ReadOnlySpan<float> anchors, Span<float> boxes)
    {
        for (int i = 0; i < anchors.Length; i += 4)
        {
            float w = anchors[i + 2] - anchors[i], h = anchors[i + 3] - anchors[i + 1];
            float cx = anchors[i] + 0.5f * w, cy = anchors[i + 1] + 0.5f * h;
            float dx = deltas[i] / Wx, dy = deltas[i + 1] / Wy;
            float dw = MathF.Min(deltas[i + 2] / Ww, Clip), dh = MathF.Min(deltas[i + 3] / Wh, Clip);
            float px = dx * w + cx, py = dy * h + cy;
            float pw = MathF.Exp(dw) * w, ph = MathF.Exp(dh) * h;
            float hw = 0.5f * pw, hh = 0.5f * ph;
            boxes[i] = px - hw;
            boxes[i + 1] = py - hh;
            boxes[i + 2] = px + hw;
            boxes[i + 3] = py + hh;
        }
    }
}
