using System.Globalization;
using RetinaSharp.Tensors;

namespace RetinaSharp.Training.Hooks;

/// <summary>
/// Evaluates every <paramref name="every"/> steps (0: only at the end) and at the end of a
/// completed or time-limited run, logs the metrics, and keeps the checkpoint with the best AP as
/// best.safetensors. The best AP so far is kept in checkpoints, so a resumed run compares with it.
/// </summary>
public sealed class EvaluationHook(TrainingEvaluator evaluator, int every) : TrainingHook
{
    public double BestAp { get; private set; } = -1;

    public IReadOnlyDictionary<string, double>? LastMetrics { get; private set; }

    public override string Name => "evaluation";

    public override void AfterStep(Trainer trainer, StepResult step)
    {
        if (step.IsFinite && every > 0 && trainer.Iteration % every == 0 && trainer.Iteration < trainer.Options.Iterations) Evaluate(trainer);
    }

    public override void AfterTrain(Trainer trainer)
    {
        if (trainer.Stop is StopReason.Completed or StopReason.TimeBudget) Evaluate(trainer);
    }

    private void Evaluate(Trainer trainer)
    {
        var model = trainer.Model;
        model.Eval();
        IReadOnlyDictionary<string, double> metrics;
        try
        {
            using (Autograd.NoGrad()) metrics = evaluator(model);
        }
        finally
        {
            model.Train();
        }
        LastMetrics = metrics;
        bool best = metrics.TryGetValue("AP", out var ap) && ap > BestAp;
        if (best) BestAp = ap;
        trainer.ReportEvaluation(metrics);
        if (best) trainer.SaveBestCheckpoint();
    }

    public override string? SaveState() => BestAp.ToString("R", CultureInfo.InvariantCulture);

    public override void LoadState(string json) => BestAp = double.Parse(json, CultureInfo.InvariantCulture);
}
