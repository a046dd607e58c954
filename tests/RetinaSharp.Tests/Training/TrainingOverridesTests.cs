using RetinaSharp.Training;
using Xunit;

namespace RetinaSharp.Tests.Training;

public sealed class TrainingOverridesTests
{
    [Fact]
    public void Unset_fields_keep_the_recipe_and_set_ones_replace_it()
    {
        var recipe = TrainingRecipes.Demo(numClasses: 8, quick: false, seed: 3);
        var merged = new TrainingOverrides { LearningRate = 0.5f, MinSizes = [224, 256, 288] }.ApplyTo(recipe, images: 100, numClasses: 4);
        Assert.Equal(0.5f, merged.LearningRate);
        Assert.Equal(recipe.Iterations, merged.Iterations);
        Assert.Equal(recipe.Optimizer, merged.Optimizer);
        Assert.Equal(4, merged.Model.NumClasses);
        Assert.Equal([224, 256, 288], merged.TrainMinSizes);
        // The largest training size is the evaluation size.
        Assert.Equal(288, merged.Model.MinSize);
        Assert.Equal(recipe.Model.FpnChannels, merged.Model.FpnChannels);
    }

    [Fact]
    public void Epochs_become_iterations_of_the_effective_batch()
    {
        var recipe = TrainingRecipes.Get("paper", numClasses: 2);
        // 2.5 passes over 1001 images at 4 × 2 images per step: ceil(2502.5 / 8) = 313.
        var merged = new TrainingOverrides { Epochs = 2.5, ImagesPerStep = 4, GradientAccumulation = 2 }.ApplyTo(recipe, images: 1001, numClasses: 2);
        Assert.Equal(313, merged.Iterations);
        Assert.Throws<ArgumentException>(() => new TrainingOverrides { Epochs = -1 }.ApplyTo(recipe, 10, 2));
        Assert.Throws<ArgumentException>(() => TrainingRecipes.Get("nonsense", 2));
    }
}
