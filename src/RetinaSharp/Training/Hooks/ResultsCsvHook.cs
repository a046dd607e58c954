using System.Globalization;
using System.Text;
using RetinaSharp.Evaluation;

namespace RetinaSharp.Training.Hooks;

/// <summary>
/// results.csv in the output folder, as ultralytics writes it: one row per evaluation with the
/// iteration, the epoch (images seen over the training set's size), the losses of the last finite
/// step before it, the validation losses when the evaluator gives them, the learning rate, the 12
/// COCO numbers and the training seconds so far. A value the evaluation did not give is an empty
/// cell. A resumed run keeps the rows up to the checkpoint it resumes from and drops later ones,
/// which that run will evaluate again; a new run starts the file afresh.
/// </summary>
public sealed class ResultsCsvHook : TrainingHook
{
    public const string FileName = "results.csv";

    /// <summary>The columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "iteration", "epoch", "train_loss", "train_classification", "train_box_regression", "val_classification", "val_box_regression", "lr",
        .. CocoEvalResult.StatNames, "seconds",
    ];

    private static readonly string Header = string.Join(',', Columns);
    private StepResult? _lastStep;

    public static string PathIn(string outputDirectory) => Path.Combine(outputDirectory, FileName);

    public override void BeforeTrain(Trainer trainer)
    {
        _lastStep = null;
        var path = PathIn(trainer.OutputDirectory);
        if (!File.Exists(path)) return;
        var kept = new StringBuilder(Header).Append('\n');
        var lines = File.ReadAllLines(path);
        // Rows of another layout cannot be continued; the file then starts again.
        if (lines.Length > 0 && lines[0] == Header)
            foreach (var line in lines.Skip(1))
            {
                int comma = line.IndexOf(',');
                if (comma > 0 && int.TryParse(line.AsSpan(0, comma), NumberStyles.Integer, CultureInfo.InvariantCulture, out int iteration) && iteration <= trainer.Iteration)
                    kept.Append(line).Append('\n');
            }
        AtomicFile.WriteAllText(path, kept.ToString());
    }

    public override void AfterStep(Trainer trainer, StepResult step)
    {
        if (step.IsFinite) _lastStep = step;
    }

    public override void AfterEvaluation(Trainer trainer, IReadOnlyDictionary<string, double> metrics)
    {
        var o = trainer.Options;
        var cells = new List<string>(Columns.Count)
        {
            trainer.Iteration.ToString(CultureInfo.InvariantCulture),
            ((double)trainer.Iteration * o.EffectiveBatch / Math.Max(1, trainer.Dataset.Count)).ToString("0.###", CultureInfo.InvariantCulture),
            Number(_lastStep?.Loss), Number(_lastStep?.ClassificationLoss), Number(_lastStep?.BoxLoss),
            Number(Metric(metrics, "val_classification")), Number(Metric(metrics, "val_box_regression")),
            Number(trainer.Optimizer.LearningRate),
        };
        foreach (var name in CocoEvalResult.StatNames) cells.Add(Number(Metric(metrics, name)));
        cells.Add(trainer.ElapsedSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        var path = PathIn(trainer.OutputDirectory);
        var text = (File.Exists(path) ? "" : Header + "\n") + string.Join(',', cells) + "\n";
        File.AppendAllText(path, text);
    }

    private static double? Metric(IReadOnlyDictionary<string, double> metrics, string name) => metrics.TryGetValue(name, out var v) ? v : null;

    private static string Number(double? v) => v is double d && double.IsFinite(d) ? d.ToString("G6", CultureInfo.InvariantCulture) : "";
}
