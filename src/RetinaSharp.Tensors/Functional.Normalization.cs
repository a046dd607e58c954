namespace RetinaSharp.Tensors;

/// <summary>Normalisation ops: group norm, batch norm (train and eval), per-channel affine and frozen batch norm.</summary>
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

    /// <summary>
    /// Batch normalisation of [N, C, ...] (torch.nn.functional.batch_norm). In training it normalises
    /// with the batch mean and biased variance and, when running statistics are given, updates them in
    /// place: r ← (1 − momentum)·r + momentum·batch value, with the UNBIASED variance for running_var.
    /// Otherwise it normalises with the running statistics. Weight and bias may be null.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        input.RequireFloat();
        var (n, c, plane) = ChannelMath.Layout(input, "BatchNorm");
        var gamma = ChannelMath.Channels(weight, c, "BatchNorm weight");
        var beta = ChannelMath.Channels(bias, c, "BatchNorm bias");
        if ((runningMean == null) != (runningVar == null)) throw new ArgumentException("BatchNorm needs both running statistics or neither.");
        ChannelMath.Channels(runningMean, c, "BatchNorm running_mean");
        ChannelMath.Channels(runningVar, c, "BatchNorm running_var");
        if (!training && runningMean == null) throw new ArgumentException("BatchNorm in evaluation mode needs running statistics.");
        long count = n * plane;
        if (training && count <= 1)
            throw new ArgumentException($"BatchNorm in training needs more than one value per channel, got input {Tensor.FormatShape(input.Shape)}.");
        var x = input.ContiguousNoGrad();
        var output = Tensor.Allocate(input.Shape);
        nint px = (nint)x.FloatPointer, py = (nint)output.FloatPointer;
        // mean[c] and rstd[c] used to normalise (batch statistics in training, running ones otherwise).
        var mean = new float[c];
        var rstd = new float[c];
        if (training)
        {
            var variance = new double[c];
            ParallelRange.ForUnits(c, count, (first, end) =>
            {
                for (int ch = first; ch < end; ch++)
                {
                    double s = 0;
                    for (int b = 0; b < n; b++) s += ChannelMath.Sum((float*)px + ((long)b * c + ch) * plane, plane);
                    float m = (float)(s / count);
                    double sq = 0;
                    for (int b = 0; b < n; b++) sq += ChannelMath.SquaredDeviation((float*)px + ((long)b * c + ch) * plane, plane, m);
                    mean[ch] = m;
                    variance[ch] = sq / count;
                    rstd[ch] = 1f / MathF.Sqrt((float)variance[ch] + eps);
                }
            });
            if (runningMean != null)
            {
                var rm = runningMean.Data;
                var rv = runningVar!.Data;
                for (int ch = 0; ch < c; ch++)
                {
                    rm[ch] = (1 - momentum) * rm[ch] + momentum * mean[ch];
                    rv[ch] = (1 - momentum) * rv[ch] + momentum * (float)(variance[ch] * count / (count - 1));
                }
            }
        }
        else
        {
            var rm = runningMean!.ToArray();
            var rv = runningVar!.ToArray();
            for (int ch = 0; ch < c; ch++)
            {
                mean[ch] = rm[ch];
                rstd[ch] = 1f / MathF.Sqrt(rv[ch] + eps);
            }
        }
        var scale = new float[c];
        var shift = new float[c];
        for (int ch = 0; ch < c; ch++)
        {
            scale[ch] = rstd[ch] * (gamma?[ch] ?? 1f);
            shift[ch] = (beta?[ch] ?? 0f) - mean[ch] * scale[ch];
        }
        AffinePlanes((float*)px, (float*)py, n, c, plane, scale, shift);

        Tensor[] inputs = [input, .. weight == null ? Array.Empty<Tensor>() : [weight], .. bias == null ? Array.Empty<Tensor>() : [bias]];
        int wIndex = weight == null ? -1 : 1, bIndex = bias == null ? -1 : (weight == null ? 1 : 2);
        return Autograd.Record(output, training ? "batch_norm" : "batch_norm_eval", inputs, (g, gi) =>
        {
            using var gc = g.ContiguousNoGrad();
            nint pg = (nint)gc.FloatPointer;
            var sdy = new double[c];
            var sdyx = new double[c];
            ParallelRange.ForUnits(c, count, (first, end) =>
            {
                for (int ch = first; ch < end; ch++)
                    for (int b = 0; b < n; b++)
                    {
                        long at = ((long)b * c + ch) * plane;
                        var (sd, sdx) = ChannelMath.SumAndDot((float*)pg + at, (float*)px + at, plane);
                        sdy[ch] += sd;
                        sdyx[ch] += sdx;
                    }
            });
            if (input.RequiresGrad)
            {
                var gx = Tensor.Allocate(input.Shape);
                var gCoef = new float[c];
                var xCoef = new float[c];
                var constant = new float[c];
                for (int ch = 0; ch < c; ch++)
                {
                    if (!training)
                    {
                        // The statistics are constants: dx = dy·γ·rstd.
                        gCoef[ch] = scale[ch];
                        continue;
                    }
                    // dx = k·(dy − Σdy/M − (x − μ)·q), k = γ·rstd, q = rstd²·Σ dy·(x − μ) / M.
                    double k = scale[ch], r = rstd[ch], mu = mean[ch];
                    double q = r * r * (sdyx[ch] - mu * sdy[ch]) / count;
                    gCoef[ch] = (float)k;
                    xCoef[ch] = (float)(-k * q);
                    constant[ch] = (float)(k * (mu * q - sdy[ch] / count));
                }
                nint pgx = (nint)gx.FloatPointer;
                ParallelRange.ForUnits(n * c, plane, (first, end) =>
                {
                    for (int p = first; p < end; p++)
                    {
                        int ch = p % c;
                        long at = (long)p * plane;
                        ChannelMath.Affine2((float*)pg + at, gCoef[ch], (float*)px + at, xCoef[ch], constant[ch], (float*)pgx + at, plane);
                    }
                });
                gi[0] = gx;
            }
            if (weight != null && weight.RequiresGrad)
            {
                // dγ = Σ dy·x̂ = rstd·(Σ dy·x − μ·Σ dy)
                var gw = Tensor.Allocate([c]);
                var d = gw.Data;
                for (int ch = 0; ch < c; ch++) d[ch] = (float)(rstd[ch] * (sdyx[ch] - mean[ch] * sdy[ch]));
                gi[wIndex] = gw;
            }
            if (bias != null && bias.RequiresGrad)
            {
                var gb = Tensor.Allocate([c]);
                var d = gb.Data;
                for (int ch = 0; ch < c; ch++) d[ch] = (float)sdy[ch];
                gi[bIndex] = gb;
            }
        }, x);
    }

    /// <summary>
    /// y = x·scale[c] + shift[c] over [N, C, ...]. Gradients flow to x, and to scale and shift when
    /// they require grad.
    /// </summary>
    public static Tensor ChannelAffine(Tensor input, Tensor scale, Tensor shift)
    {
        input.RequireFloat();
        var (n, c, plane) = ChannelMath.Layout(input, "ChannelAffine");
        var a = ChannelMath.Channels(scale, c, "ChannelAffine scale")!;
        var b = ChannelMath.Channels(shift, c, "ChannelAffine shift")!;
        var output = Tensor.Allocate(input.Shape);
        var x = input.ContiguousNoGrad();
        AffinePlanes(x.FloatPointer, output.FloatPointer, n, c, plane, a, b);
        bool keepX = Autograd.IsEnabled && scale.RequiresGrad;
        if (!keepX) x.Dispose();
        return Autograd.Record(output, "channel_affine", [input, scale, shift], (g, gi) =>
        {
            using var gc = g.ContiguousNoGrad();
            if (input.RequiresGrad)
            {
                var gx = Tensor.Allocate(input.Shape);
                AffinePlanes(gc.FloatPointer, gx.FloatPointer, n, c, plane, a, new float[c]);
                gi[0] = gx;
            }
            if (scale.RequiresGrad)
            {
                var gs = Tensor.Zeros([c]);
                var d = gs.Data;
                for (int s = 0; s < n; s++)
                    for (int ch = 0; ch < c; ch++)
                    {
                        long at = ((long)s * c + ch) * plane;
                        d[ch] += (float)ChannelMath.Dot(gc.FloatPointer + at, x.FloatPointer + at, plane);
                    }
                gi[1] = gs;
            }
            if (shift.RequiresGrad) gi[2] = ChannelSums(gc, n, c, plane);
        }, keepX ? [x] : null);
    }

    /// <summary>
    /// torchvision's FrozenBatchNorm2d: scale = weight / √(running_var + eps), shift = bias −
    /// running_mean·scale, y = x·scale + shift. The statistics and affine are constants: the gradient
    /// goes to the input only.
    /// </summary>
    public static Tensor FrozenBatchNorm(Tensor input, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, float eps = 1e-5f)
    {
        var (scale, shift) = FrozenAffine(weight, bias, runningMean, runningVar, eps);
        using var s = Tensor.FromArray(scale, scale.Length);
        using var t = Tensor.FromArray(shift, shift.Length);
        return ChannelAffine(input, s, t);
    }

    /// <summary>The per-channel scale and shift of a frozen batch norm, computed in float32 as torchvision does.</summary>
    public static (float[] Scale, float[] Shift) FrozenAffine(Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, float eps = 1e-5f)
    {
        int c = (int)weight.NumElements;
        var w = ChannelMath.Channels(weight, c, "weight")!;
        var b = ChannelMath.Channels(bias, c, "bias")!;
        var rm = ChannelMath.Channels(runningMean, c, "running_mean")!;
        var rv = ChannelMath.Channels(runningVar, c, "running_var")!;
        var scale = new float[c];
        var shift = new float[c];
        for (int i = 0; i < c; i++)
        {
            scale[i] = w[i] * (1f / MathF.Sqrt(rv[i] + eps));
            shift[i] = b[i] - rm[i] * scale[i];
        }
        return (scale, shift);
    }

    /// <summary>y[n, c, :] = x[n, c, :]·scale[c] + shift[c], over planes in parallel when large.</summary>
    private static void AffinePlanes(float* x, float* y, int n, int c, long plane, float[] scale, float[] shift)
    {
        nint px = (nint)x, py = (nint)y;
        ParallelRange.ForUnits(n * c, plane, (first, end) =>
        {
            for (int p = first; p < end; p++)
            {
                int ch = p % c;
                ChannelMath.Affine((float*)px + (long)p * plane, scale[ch], shift[ch], (float*)py + (long)p * plane, plane);
            }
        });
    }
}
