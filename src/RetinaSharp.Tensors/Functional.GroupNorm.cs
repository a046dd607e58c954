namespace RetinaSharp.Tensors;

public static unsafe partial class Functional
{
    /// <summary>
    /// Group normalisation of [N, C, ...] (torch.nn.functional.group_norm): the channels of each
    /// sample split into <paramref name="groups"/> groups, each normalised by its mean and biased
    /// variance, then a per-channel affine (weight, bias may be null).
    /// </summary>
    public static Tensor GroupNorm(Tensor input, int groups, Tensor? weight, Tensor? bias, float eps = 1e-5f)
    {
        input.RequireFloat();
        var (n, c, plane) = ChannelMath.Layout(input, "GroupNorm");
        if (groups <= 0 || c % groups != 0) throw new ArgumentException($"GroupNorm: {c} channels are not divisible into {groups} groups.");
        var gamma = ChannelMath.Channels(weight, c, "GroupNorm weight");
        var beta = ChannelMath.Channels(bias, c, "GroupNorm bias");
        int cpg = c / groups;
        long groupSize = cpg * plane;
        var output = Tensor.Allocate(input.Shape);
        var x = input.ContiguousNoGrad();
        // stats[2u] = mean, stats[2u + 1] = 1/√(var + eps) of unit u = sample·groups + group.
        var stats = new float[2 * n * groups];
        nint px = (nint)x.FloatPointer, py = (nint)output.FloatPointer;
        ParallelRange.ForUnits(n * groups, groupSize, (first, end) =>
        {
            for (int u = first; u < end; u++)
            {
                float* xb = (float*)px + u * groupSize, yb = (float*)py + u * groupSize;
                float mean = groupSize == 0 ? 0 : (float)(ChannelMath.Sum(xb, groupSize) / groupSize);
                float var = groupSize == 0 ? 0 : (float)(ChannelMath.SquaredDeviation(xb, groupSize, mean) / groupSize);
                float rstd = 1f / MathF.Sqrt(var + eps);
                stats[2 * u] = mean;
                stats[2 * u + 1] = rstd;
                int g = u % groups;
                for (int k = 0; k < cpg; k++)
                {
                    int ch = g * cpg + k;
                    float scale = rstd * (gamma?[ch] ?? 1f);
                    float shift = (beta?[ch] ?? 0f) - mean * scale;
                    ChannelMath.Affine(xb + k * plane, scale, shift, yb + k * plane, plane);
                }
            }
        });
        Tensor[] inputs = [input, .. weight == null ? Array.Empty<Tensor>() : [weight], .. bias == null ? Array.Empty<Tensor>() : [bias]];
        int wIndex = weight == null ? -1 : 1, bIndex = bias == null ? -1 : (weight == null ? 1 : 2);
        return Autograd.Record(output, "group_norm", inputs, (g, gi) =>
        {
            using var gc = g.ContiguousNoGrad();
            bool needX = input.RequiresGrad;
            var gx = needX ? Tensor.Allocate(input.Shape) : null;
            // Per (sample, channel): Σ dy and Σ dy·x, for the input gradient and the affine gradients.
            var sdy = new double[n * c];
            var sdyx = new double[n * c];
            nint pg = (nint)gc.FloatPointer, pgx = gx == null ? 0 : (nint)gx.FloatPointer;
            ParallelRange.ForUnits(n * groups, groupSize, (first, end) =>
            {
                for (int u = first; u < end; u++)
                {
                    int s = u / groups, grp = u % groups;
                    float* xb = (float*)px + u * groupSize, gb = (float*)pg + u * groupSize;
                    float mean = stats[2 * u], rstd = stats[2 * u + 1];
                    double a = 0, b = 0;
                    for (int k = 0; k < cpg; k++)
                    {
                        int ch = grp * cpg + k;
                        var (sd, sdx) = ChannelMath.SumAndDot(gb + k * plane, xb + k * plane, plane);
                        sdy[s * c + ch] = sd;
                        sdyx[s * c + ch] = sdx;
                        double gm = gamma?[ch] ?? 1f;
                        a += gm * sd;
                        b += gm * (sdx - mean * sd) * rstd;
                    }
                    if (pgx == 0) continue;
                    // dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) with dx̂ = γ·dy, x̂ = (x − μ)·rstd, written as
                    // dx = dy·(rstd·γ) + x·(−rstd²·B/M) + (μ·rstd²·B/M − rstd·A/M), A = Σ dx̂, B = Σ dx̂·x̂.
                    double m = groupSize;
                    float xCoef = (float)(-rstd * rstd * b / m);
                    float constant = (float)(mean * rstd * rstd * b / m - rstd * a / m);
                    for (int k = 0; k < cpg; k++)
                    {
                        int ch = grp * cpg + k;
                        ChannelMath.Affine2(gb + k * plane, rstd * (gamma?[ch] ?? 1f), xb + k * plane, xCoef, constant,
                            (float*)pgx + u * groupSize + k * plane, plane);
                    }
                }
            });
            if (gx != null) gi[0] = gx;
            if (weight != null && weight.RequiresGrad)
            {
                var gw = Tensor.Zeros([c]);
                var d = gw.Data;
                for (int s = 0; s < n; s++)
                    for (int ch = 0; ch < c; ch++)
                    {
                        int u = s * groups + ch / cpg;
                        d[ch] += (float)((sdyx[s * c + ch] - stats[2 * u] * sdy[s * c + ch]) * stats[2 * u + 1]);
                    }
                gi[wIndex] = gw;
            }
            if (bias != null && bias.RequiresGrad)
            {
                var gbias = Tensor.Zeros([c]);
                var d = gbias.Data;
                for (int s = 0; s < n; s++)
                    for (int ch = 0; ch < c; ch++) d[ch] += (float)sdy[s * c + ch];
                gi[bIndex] = gbias;
            }
        }, x);
    }
}
