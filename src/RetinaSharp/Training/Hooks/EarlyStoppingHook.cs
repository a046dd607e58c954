using System.Globalization;

namespace RetinaSharp.Training.Hooks;

/// <summary>
/// Ends the run (<see cref="StopReason.EarlyStopped"/>) after <paramref name="patience"/>
/// evaluations in a row without a better AP; the best checkpoint stays best.safetensors. Its
/// count is kept in checkpoints, so a resumed run goes on counting.
/// </summary>
public sealed class EarlyStoppingHook(int patience) : TrainingHook
{
    private double _best = double.NegativeInfinity;
    private int _without;

    public override string Name => "early_stopping";

    public override void AfterEvaluation(Trainer trainer, IReadOnlyDictionary<string, double> metrics)
    {
        if (!metrics.TryGetValue("AP", out var ap)) return;
        if (ap > _best)
        {
            _best = ap;
            _without = 0;
            return;
        }
        _without++;
        if (_without >= patience)
            trainer.RequestStop(StopReason.EarlyStopped, $"no AP improvement in {_without} evaluations (best {_best.ToString("F4", CultureInfo.InvariantCulture)})");
    }

    public override string? SaveState() =>
        FormattableString.Invariant($"{(double.IsFinite(_best) ? _best : -1).ToString("R", CultureInfo.InvariantCulture)} {_without}");

    public override void LoadState(string json)
    {
        var parts = json.Split(' ');
        _best = double.Parse(parts[0], CultureInfo.InvariantCulture);
        _without = int.Parse(parts[1], CultureInfo.InvariantCulture);
    }
}
