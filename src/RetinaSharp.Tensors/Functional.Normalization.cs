using System.Numerics.Tensors;
using RetinaSharp.Tensors.Kernels;

namespace RetinaSharp.Tensors;

public static unsafe partial class Functional
{
    private static ParallelOptions PlaneParallelism => new() { MaxDegreeOfParallelism = KernelThreads.MaxThreads };

    /// <summary>
    /// y = x · scale[c] + shift[c] over [N, C, ...]: frozen batch norm and eval-mode batch norm.
    /// Gradients flow to x, and to scale/shift when they require grad.
    /// </summary>
    public static Tensor ChannelAffine(Tensor input, Tensor scale, Tensor shift)
    {
        int n = input.Size(0), c = input.Size(1);
        long plane = input.NumElements / Math.Max(1, (long)n * c);
        if (scale.NumElements != c || shift.NumElements != c)
            throw new ArgumentException($"ChannelAffine: scale/shift must have {c} elements.");
        var output = Tensor.Allocate(input.Shape);
        using (var x = input.ContiguousNoGrad())
        using (var sc = scale.ContiguousNoGrad())
        using (var sh = shift.ContiguousNoGrad())
        {
            float* px = x.FloatPointer, py = output.FloatPointer, ps = sc.FloatPointer, pb = sh.FloatPointer;
            int p = (int)plane;
            Parallel.For(0, n * c, PlaneParallelism, i =>
            {
                int ch = i % c;
                var src = new ReadOnlySpan<float>(px + (long)i * p, p);
                var dst = new Span<float>(py + (long)i * p, p);
                Affine(src, ps[ch], pb[ch], dst);
            });
        }
        return Autograd.Record(output, "channel_affine", [input, scale, shift], (g, gi) =>
        {
            using var gc = g.ContiguousNoGrad();
            using var sc = scale.ContiguousNoGrad();
            float* pg = gc.FloatPointer, ps = sc.FloatPointer;
            int p = (int)plane;
            if (input.RequiresGrad)
            {
                var gx = Tensor.Allocate(input.Shape);
                float* pgx = gx.FloatPointer;
                Parallel.For(0, n * c, PlaneParallelism, i =>
                    TensorPrimitives.Multiply(new ReadOnlySpan<float>(pg + (long)i * p, p), ps[i % c], new Span<float>(pgx + (long)i * p, p)));
                gi[0] = gx;
            }
            if (scale.RequiresGrad || shift.RequiresGrad)
            {
                using var x = input.ContiguousNoGrad();
                float* px = x.FloatPointer;
                var dScale = new double[c];
                var dShift = new double[c];
                for (int i = 0; i < n * c; i++)
                {
                    var gs = new ReadOnlySpan<float>(pg + (long)i * p, p);
                    dShift[i % c] += TensorPrimitives.Sum(gs);
                    dScale[i % c] += TensorPrimitives.Dot(gs, new ReadOnlySpan<float>(px + (long)i * p, p));
                }
                if (scale.RequiresGrad) gi[1] = FromDoubles(dScale, scale.Shape);
                if (shift.RequiresGrad) gi[2] = FromDoubles(dShift, shift.Shape);
            }
        });
    }

    private static void Affine(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        TensorPrimitives.Multiply(x, a, y);
        TensorPrimitives.Add(y, b, y);
    }

    private static Tensor FromDoubles(double[] v, ReadOnlySpan<int> shape)
    {
        var t = Tensor.Allocate(shape);
        var d = t.Data;
        for (int i = 0; i < v.Length; i++) d[i] = (float)v[i];
        return t;
    }

    /// <summary>
    /// Group normalisation over [N, C, ...] with G groups (biased variance), then a per-channel affine
    /// (weight, bias may be null).
    /// </summary>
    public static Tensor GroupNorm(Tensor input, int groups, Tensor? weight, Tensor? bias, float eps = 1e-5f)
    {
        int n = input.Size(0), c = input.Size(1);
        if (c % groups != 0) throw new ArgumentException($"GroupNorm: {c} channels are not divisible into {groups} groups.");
        int cpg = c / groups;
        int plane = (int)(input.NumElements / Math.Max(1, (long)n * c));
        int groupSize = cpg * plane;
        var mean = new float[n * groups];
        var rstd = new float[n * groups];
        var output = Tensor.Allocate(input.Shape);
        var x = input.ContiguousNoGrad();
        using (var wc = weight?.ContiguousNoGrad())
        using (var bc = bias?.ContiguousNoGrad())
        {
            float* px = x.FloatPointer, py = output.FloatPointer;
            float* pw = wc == null ? null : wc.FloatPointer, pb = bc == null ? null : bc.FloatPointer;
            Parallel.For(0, n * groups, PlaneParallelism, ng =>
            {
                var src = new ReadOnlySpan<float>(px + (long)ng * groupSize, groupSize);
                // Two-pass mean and variance in double: groups can hold 10⁵ elements.
                double m = 0;
                for (int i = 0; i < src.Length; i++) m += src[i];
                m /= groupSize;
                double v = 0;
                for (int i = 0; i < src.Length; i++) { double d = src[i] - m; v += d * d; }
                v /= groupSize;
                float r = (float)(1 / Math.Sqrt(v + eps));
                mean[ng] = (float)m;
                rstd[ng] = r;
                int g = ng % groups;
                for (int cc = 0; cc < cpg; cc++)
                {
                    int ch = g * cpg + cc;
                    float a = r * (pw == null ? 1 : pw[ch]);
                    float b = (pb == null ? 0 : pb[ch]) - (float)m * a;
                    var s = src.Slice(cc * plane, plane);
                    Affine(s, a, b, new Span<float>(py + (long)ng * groupSize + cc * plane, plane));
                }
            });
        }
        Tensor[] inputs = weight != null && bias != null ? [input, weight, bias] : weight != null ? [input, weight] : [input];
        var result = Autograd.Record(output, "group_norm", inputs, (g, gi) =>
        {
            using var gc = g.ContiguousNoGrad();
            using var wc = weight?.ContiguousNoGrad();
            float* pg = gc.FloatPointer, px = x.FloatPointer;
            float* pw = wc == null ? null : wc.FloatPointer;
            var dw = new double[c];
            var db = new double[c];
            // Per-channel sums of g and g·x̂ (needed for both the input and the affine gradients).
            for (int ng = 0; ng < n * groups; ng++)
            {
                int grp = ng % groups;
                for (int cc = 0; cc < cpg; cc++)
                {
                    int ch = grp * cpg + cc;
                    var gs = new ReadOnlySpan<float>(pg + (long)ng * groupSize + cc * plane, plane);
                    var xs = new ReadOnlySpan<float>(px + (long)ng * groupSize + cc * plane, plane);
                    double sg = TensorPrimitives.Sum(gs);
                    double sgx = TensorPrimitives.Dot(gs, xs);
                    db[ch] += sg;
                    dw[ch] += (sgx - mean[ng] * sg) * rstd[ng];
                }
            }
            if (input.RequiresGrad)
            {
                var gx = Tensor.Allocate(input.Shape);
                float* pgx = gx.FloatPointer;
                Parallel.For(0, n * groups, PlaneParallelism, ng =>
                {
                    int grp = ng % groups;
                    float m = mean[ng], r = rstd[ng];
                    // dx = r · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)), with dx̂ = g · w.
                    double sumD = 0, sumDx = 0;
                    for (int cc = 0; cc < cpg; cc++)
                    {
                        int ch = grp * cpg + cc;
                        float wv = pw == null ? 1 : pw[ch];
                        var gs = new ReadOnlySpan<float>(pg + (long)ng * groupSize + cc * plane, plane);
                        var xs = new ReadOnlySpan<float>(px + (long)ng * groupSize + cc * plane, plane);
                        double sg = TensorPrimitives.Sum(gs);
                        sumD += wv * sg;
                        sumDx += wv * (TensorPrimitives.Dot(gs, xs) - m * sg) * r;
                    }
                    float meanD = (float)(sumD / groupSize), meanDx = (float)(sumDx / groupSize);
                    for (int cc = 0; cc < cpg; cc++)
                    {
                        int ch = grp * cpg + cc;
                        float wv = pw == null ? 1 : pw[ch];
                        float* gsp = pg + (long)ng * groupSize + cc * plane;
                        float* xsp = px + (long)ng * groupSize + cc * plane;
                        float* dst = pgx + (long)ng * groupSize + cc * plane;
                        for (int i = 0; i < plane; i++)
                        {
                            float xhat = (xsp[i] - m) * r;
                            dst[i] = r * (gsp[i] * wv - meanD - xhat * meanDx);
                        }
                    }
                });
                gi[0] = gx;
            }
            if (weight != null && weight.RequiresGrad) gi[1] = FromDoubles(dw, weight.Shape);
            if (bias != null && bias.RequiresGrad) gi[2] = FromDoubles(db, bias.Shape);
        }, x);
        return result;
    }

    /// <summary>
    /// Batch normalisation over [N, C, ...]. In training it normalises with the batch statistics
    /// (biased variance) and updates the running statistics in place with <paramref name="momentum"/>
    /// using the unbiased variance, like torch; otherwise it uses the running statistics.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor? weight, Tensor? bias,
        bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        int n = input.Size(0), c = input.Size(1);
        if (!training)
        {
            using var rstd = runningVar.Add(eps).Pow(-0.5f);
            using var scale = weight == null ? rstd.Alias() : weight.Mul(rstd);
            using var ms = runningMean.Mul(scale);
            using var shift = bias == null ? ms.Neg() : bias.Sub(ms);
            return ChannelAffine(input, scale, shift);
        }
        // Training: per-channel statistics over N and the spatial dimensions, as one group per channel.
        int plane = (int)(input.NumElements / Math.Max(1, (long)n * c));
        long count = (long)n * plane;
        if (count <= 1) throw new ArgumentException($"BatchNorm in training needs more than one value per channel, got input {Tensor.FormatShape(input.Shape)}.");
        var mean = new double[c];
        var var_ = new double[c];
        using (var x = input.ContiguousNoGrad())
        {
            float* px = x.FloatPointer;
            for (int i = 0; i < n * c; i++) mean[i % c] += TensorPrimitives.Sum(new ReadOnlySpan<float>(px + (long)i * plane, plane));
            for (int ch = 0; ch < c; ch++) mean[ch] /= count;
            for (int i = 0; i < n * c; i++)
            {
                double m = mean[i % c], s = 0;
                float* p = px + (long)i * plane;
                for (int j = 0; j < plane; j++) { double d = p[j] - m; s += d * d; }
                var_[i % c] += s;
            }
        }
        using (Autograd.NoGrad())
        {
            var rm = runningMean.Data;
            var rv = runningVar.Data;
            for (int ch = 0; ch < c; ch++)
            {
                rm[ch] = (float)((1 - momentum) * rm[ch] + momentum * mean[ch]);
                rv[ch] = (float)((1 - momentum) * rv[ch] + momentum * var_[ch] / (count - 1));
            }
        }
        // Normalise with batch statistics: x̂ = (x − μ)·rstd, then the affine. Written as a group
        // norm over the channel axis of the permuted input so the gradient formula is shared.
        using var perm = input.Transpose(0, 1);
        using var grouped = perm.Reshape(1, c, -1);
        using var normed = GroupNorm(grouped, c, null, null, eps);
        using var back = normed.Reshape(c, n, -1);
        using var unperm = back.Transpose(0, 1);
        using var shaped = unperm.Reshape(input.Shape);
        using var ones = weight == null ? Tensor.Ones([c]) : weight.Alias();
        using var zeros = bias == null ? Tensor.Zeros([c]) : bias.Alias();
        return ChannelAffine(shaped, ones, zeros);
    }
}
