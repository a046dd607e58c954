// Focal loss outside detection: a binary classifier on a heavily imbalanced problem, trained the
// same way with three losses, scored by average precision on held-out data.
//
//   dotnet run --project examples/ImbalancedClassification -c Release -- [--seeds 5] [--steps 600]
//       [--positive-rate 0.005] [--spread 0.1]
//
// The data: 2-D points. Positives (0.5 %) sit in eight small Gaussian clusters on a ring of radius 2;
// negatives are uniform over [−4, 4]², so almost all of them are easy and a few share a cluster's
// neighbourhood. Even a perfect model cannot separate those: the "true probability" row scores each
// point by its exact probability of being positive, the best average precision any model can reach.
using System.Diagnostics;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;
using RetinaSharp.Tensors.Optim;

int seeds = 5, steps = 600;
double positiveRate = 0.005, spread = 0.1;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--seeds") seeds = int.Parse(args[i + 1]);
    else if (args[i] == "--steps") steps = int.Parse(args[i + 1]);
    else if (args[i] == "--positive-rate") positiveRate = double.Parse(args[i + 1]);
    else if (args[i] == "--spread") spread = double.Parse(args[i + 1]);
}

const int TrainSize = 200_000, TestSize = 200_000, Batch = 1024;

var losses = new (string Name, Func<Tensor, Tensor, Tensor> Loss)[]
{
    ("cross entropy", (x, t) => Functional.BinaryCrossEntropyWithLogits(x, t, Reduction.Mean)),
    ("α-balanced CE, α = 0.75", (x, t) => Functional.SigmoidFocalLoss(x, t, alpha: 0.75f, gamma: 0f, reduction: Reduction.Mean)),
    ("focal loss, γ = 2, α = 0.25", (x, t) => Functional.SigmoidFocalLoss(x, t, alpha: 0.25f, gamma: 2f, reduction: Reduction.Mean)),
};

Console.WriteLine($"{TrainSize:N0} training and {TestSize:N0} test points, {positiveRate:P1} positive (clusters of σ {spread}); {steps} steps of {Batch}; {seeds} seeds");
var results = new double[losses.Length][];
for (int l = 0; l < losses.Length; l++) results[l] = new double[seeds];
var oracle = new double[seeds];
var clock = Stopwatch.StartNew();
for (int s = 0; s < seeds; s++)
{
    var (trainX, trainY) = MakeData(TrainSize, positiveRate, spread, (ulong)(1000 + s));
    var (testX, testY) = MakeData(TestSize, positiveRate, spread, (ulong)(2000 + s));
    oracle[s] = AveragePrecision(TrueProbability(testX, positiveRate, spread), testY);
    for (int l = 0; l < losses.Length; l++)
    {
        results[l][s] = Train(losses[l].Loss, trainX, trainY, testX, testY, steps, (ulong)s);
    }
}
Console.WriteLine();
Console.WriteLine("| loss | average precision (mean ± std over seeds) | seeds where it beats cross entropy |");
Console.WriteLine("| --- | ---: | ---: |");
for (int l = 0; l < losses.Length; l++)
{
    double mean = results[l].Average();
    double std = Math.Sqrt(results[l].Select(v => (v - mean) * (v - mean)).Sum() / Math.Max(1, seeds - 1));
    int wins = Enumerable.Range(0, seeds).Count(s => results[l][s] > results[0][s]);
    Console.WriteLine($"| {losses[l].Name} | {mean:F3} ± {std:F3} | {(l == 0 ? "" : $"{wins} of {seeds}")} |");
}
Console.WriteLine($"| (true probability, the best possible) | {oracle.Average():F3} | |");
Console.WriteLine($"\n{clock.Elapsed.TotalSeconds:F0} s");

static (float[] X, float[] Y) MakeData(int n, double positiveRate, double spread, ulong seed)
{
    var rng = new RandomGenerator(seed);
    var x = new float[n * 2];
    var y = new float[n];
    for (int i = 0; i < n; i++)
    {
        if (rng.NextDouble() < positiveRate)
        {
            double angle = 2 * Math.PI * rng.NextInt(8) / 8;
            x[2 * i] = (float)(2 * Math.Cos(angle) + spread * rng.NextNormal());
            x[2 * i + 1] = (float)(2 * Math.Sin(angle) + spread * rng.NextNormal());
            y[i] = 1;
        }
        else
        {
            x[2 * i] = (float)rng.Uniform(-4, 4);
            x[2 * i + 1] = (float)rng.Uniform(-4, 4);
        }
    }
    return (x, y);
}

// p(positive | x): the positive density (a mixture of eight Gaussians) against the uniform negative one.
static float[] TrueProbability(float[] x, double positiveRate, double spread)
{
    var p = new float[x.Length / 2];
    double negative = (1 - positiveRate) / 64;
    for (int i = 0; i < p.Length; i++)
    {
        double positive = 0;
        for (int c = 0; c < 8; c++)
        {
            double dx = x[2 * i] - 2 * Math.Cos(2 * Math.PI * c / 8), dy = x[2 * i + 1] - 2 * Math.Sin(2 * Math.PI * c / 8);
            positive += positiveRate / 8 * Math.Exp(-(dx * dx + dy * dy) / (2 * spread * spread)) / (2 * Math.PI * spread * spread);
        }
        p[i] = (float)(positive / (positive + negative));
    }
    return p;
}

static double Train(Func<Tensor, Tensor, Tensor> lossFn, float[] trainX, float[] trainY, float[] testX, float[] testY, int steps, ulong seed)
{
    var rng = new RandomGenerator(seed);
    using var model = new Sequential(new Linear(2, 64, rng: rng), new ReLU(), new Linear(64, 64, rng: rng), new ReLU(), new Linear(64, 1, rng: rng));
    using var optimizer = new AdamW(model.Parameters(), learningRate: 1e-2f, weightDecay: 0);
    int n = trainY.Length;
    var bx = new float[Batch * 2];
    var by = new float[Batch];
    for (int step = 0; step < steps; step++)
    {
        for (int b = 0; b < Batch; b++)
        {
            int i = rng.NextInt(n);
            bx[2 * b] = trainX[2 * i];
            bx[2 * b + 1] = trainX[2 * i + 1];
            by[b] = trainY[i];
        }
        using var scope = TensorScope.Enter();
        var logits = model.Forward(Tensor.FromArray(bx, Batch, 2)).Reshape(Batch);
        var loss = lossFn(logits, Tensor.FromArray(by, Batch));
        loss.Backward();
        optimizer.Step();
        optimizer.ZeroGrad();
    }
    using var noGrad = Autograd.NoGrad();
    using var testScope = TensorScope.Enter();
    var scores = model.Forward(Tensor.FromArray(testX, testY.Length, 2)).ToArray();
    return AveragePrecision(scores, testY);
}

// Area under the precision-recall curve as a sum over positives of the precision at their rank
// (ties broken against the positives, so a constant score earns nothing).
static double AveragePrecision(float[] scores, float[] labels)
{
    var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => labels[i]).ToArray();
    double positives = labels.Sum(), hits = 0, sum = 0;
    for (int r = 0; r < order.Length; r++)
    {
        if (labels[order[r]] != 1) continue;
        hits++;
        sum += hits / (r + 1);
    }
    return positives == 0 ? 0 : sum / positives;
}
