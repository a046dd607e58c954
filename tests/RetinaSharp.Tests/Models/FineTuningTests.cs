using System.Diagnostics;
using RetinaSharp.Checkpoints;
using RetinaSharp.Losses;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Models.Heads;
using RetinaSharp.Tensors.Serialization;
using RetinaSharp.Testing;
using RetinaSharp.Training;
using Xunit;

namespace RetinaSharp.Tests.Models;

/// <summary>Starting a training run from a torchvision RetinaNet trained for another set of classes.</summary>
public sealed class FineTuningTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "retinanet", name);

    // The torchvision fixture's architecture (5 classes), here for 3.
    private static RetinaNetConfig ThreeClasses() => new()
    {
        Backbone = "resnet18", BackboneWidth = 1.0 / 16, BackboneNorm = NormKind.FrozenBatchNorm, TrainableBackboneLayers = 5, NumClasses = 3,
        FpnChannels = 32, BoxLoss = BoxLossKind.L1, MinSize = 48, MaxSize = 80,
    };

    [Fact]
    public void Another_class_count_loads_all_but_the_classifier_which_starts_from_the_prior()
    {
        using var model = new RetinaNet(ThreeClasses(), seed: 1);
        var message = WeightsLoader.LoadForFineTuning(model, Fixture("v1_weights.pth"));
        Assert.Contains("trained for 5 classes", message);
        using var source = TorchCheckpoint.LoadStateDict(Fixture("v1_weights.pth"));
        var mine = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (key, tensor) in source)
        {
            if (key.StartsWith(WeightsLoader.ClassifierPrefix, StringComparison.Ordinal)) continue;
            if (!mine.TryGetValue(key, out var loaded)) continue;
            Assert.True(tensor.ToArray().AsSpan().SequenceEqual(loaded.ToArray()), $"{key} was not loaded");
        }
        var bias = mine[WeightsLoader.ClassifierPrefix + "bias"].ToArray();
        Assert.Equal(9 * 3, bias.Length);
        // −log((1 − 0.01) / 0.01) ≈ −4.595 for every anchor and class.
        Assert.All(bias, b => Assert.Equal(RetinaNetClassificationHead.PriorBias(0.01f), b));
        Assert.Equal(-4.59512, RetinaNetClassificationHead.PriorBias(0.01f), 4);
    }

    [Fact]
    public void The_same_class_count_loads_everything()
    {
        using var model = new RetinaNet(ThreeClasses() with { NumClasses = 5 });
        Assert.DoesNotContain("classifier", WeightsLoader.LoadForFineTuning(model, Fixture("v1_weights.pth")));
        using var source = TorchCheckpoint.LoadStateDict(Fixture("v1_weights.pth"));
        var bias = model.StateDict().First(kv => kv.Key == WeightsLoader.ClassifierPrefix + "bias").Value.ToArray();
        Assert.Equal(source[WeightsLoader.ClassifierPrefix + "bias"].ToArray(), bias);
    }

    [Fact]
    public async Task A_fifo_as_weights_is_refused_at_once()
    {
        using var dir = new TempDir();
        var fifo = dir["weights.pth"];
        using (var mk = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!) mk.WaitForExit();
        var load = Task.Run(() => RetinaNetDetector.Load(fifo));
        Assert.True(await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(20))) == load, "loading a FIFO blocked");
        var e = await Assert.ThrowsAsync<CheckpointFormatException>(() => load);
        Assert.Contains("FIFO", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(fifo, e.Message);
    }

    [Fact]
    public void Random_frozen_backbones_are_warned_about()
    {
        var scratch = new TrainingOptions { Model = ThreeClasses() with { TrainableBackboneLayers = 3 } };
        Assert.Equal(2, scratch.Warnings().Count);
        Assert.Empty((scratch with { BackboneWeights = "resnet18.pth" }).Warnings());
        Assert.Empty(TrainingRecipes.Demo(3, quick: false, seed: 0).Warnings());
    }
}
