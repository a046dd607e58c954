namespace RetinaSharp.Training;

/// <summary>Receives progress from a <see cref="Trainer"/> (a progress bar, a log).</summary>
public interface ITrainingObserver
{
    void OnStep(TrainingProgress progress);
    void OnEvaluation(int iteration, IReadOnlyDictionary<string, double> metrics);
    void OnMessage(string message);
}
