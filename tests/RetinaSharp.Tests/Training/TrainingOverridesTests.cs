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
    public void Empty_lists_keep_the_recipe_s_values()
    {
        var recipe = TrainingRecipes.Get("paper", numClasses: 2) with { LrSteps = [100, 200] };
        var merged = new TrainingOverrides { MinSizes = [], LrSteps = [], AnchorSizes = [], AspectRatios = [] }.ApplyTo(recipe, 10, 2);
        Assert.Equal([100L, 200L], merged.LrSteps!);
        Assert.Equal(recipe.TrainMinSizes, merged.TrainMinSizes);
        Assert.Equal(recipe.Model.AnchorSizes, merged.Model.AnchorSizes);
        Assert.Equal(recipe.Model.AspectRatios, merged.Model.AspectRatios);
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

public sealed class DurationAndRecipeTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1.5h", 5400)]
    [InlineData("45", 45)]
    public void Durations_parse(string text, double seconds) => Assert.Equal(seconds, TrainingOverrides.ParseDuration(text));

    [Theory]
    [InlineData("")]
    [InlineData("-5m")]
    [InlineData("10ms")]
    [InlineData("ten minutes")]
    public void Bad_durations_are_refused(string text) =>
        Assert.Contains("not a duration", Assert.Throws<ArgumentException>(() => TrainingOverrides.ParseDuration(text)).Message);

    private static RetinaSharp.Data.InMemoryDetectionDataset Boxes(float side, int count = 20, int width = 640, int height = 480)
    {
        var samples = new List<(RetinaSharp.Data.SampleInfo, RetinaSharp.Data.ImageAnnotations, RetinaSharp.Imaging.RgbImage)>();
        for (int i = 0; i < count; i++)
            samples.Add((new RetinaSharp.Data.SampleInfo(i, $"i{i}", $"i{i}.png", new RetinaSharp.Structures.ImageSize(height, width)),
                new RetinaSharp.Data.ImageAnnotations([new RetinaSharp.Structures.Box(10, 10, 10 + side, 10 + side)], [0], [], []), new RetinaSharp.Imaging.RgbImage(width, height)));
        return new RetinaSharp.Data.InMemoryDetectionDataset(RetinaSharp.Data.ClassList.FromNames(["thing"]), samples);
    }

    [Fact]
    public void From_scratch_recipes_move_their_anchors_to_the_objects()
    {
        // "small" resizes 640x480 to 512x384 (scale 0.8): 20 px boxes become 16 px, 100 px ones 80 px, 12 px ones 9.6 px.
        Assert.Equal([16, 32, 64, 128, 256], TrainingRecipes.ForDataset("small", Boxes(20)).Model.AnchorSizes);
        Assert.Equal([32, 64, 128, 256, 512], TrainingRecipes.ForDataset("small", Boxes(100)).Model.AnchorSizes);
        Assert.Equal([8, 16, 32, 64, 128], TrainingRecipes.ForDataset("small", Boxes(12)).Model.AnchorSizes);
        // The paper's recipe keeps torchvision's anchors, which pretrained weights expect.
        Assert.Equal([32, 64, 128, 256, 512], TrainingRecipes.ForDataset("r50", Boxes(12)).Model.AnchorSizes);
        Assert.Equal("small", TrainingRecipes.DefaultFor(pretrained: false));
        Assert.Equal("r50", TrainingRecipes.DefaultFor(pretrained: true));
        foreach (var name in TrainingRecipes.Names) TrainingRecipes.Get(name, 3).Validate();
    }

    [Fact]
    public void Small_images_with_big_enough_objects_are_used_at_their_own_size()
    {
        // 200x150 images: "small" (384, max 640) would enlarge them 2.56 times. With 40 px objects they
        // are used at 160 (150 rounded up to a multiple of 32), max 640 * 160 / 384 = 266.7 → 267.
        var fitted = TrainingRecipes.ForDataset("small", Boxes(40, width: 200, height: 150));
        Assert.Equal((160, 267), (fitted.Model.MinSize, fitted.Model.MaxSize));
        Assert.Equal([140, 150, 160], fitted.TrainMinSizes); // 336, 360, 384 scaled by 160/384
        // At 160 px (scale 160/150) the 40 px boxes are 42.7 px: anchors from 32.
        Assert.Equal([32, 64, 128, 256, 512], fitted.Model.AnchorSizes);
        fitted.Validate();
        // Objects of 10 px would be 6 px at their own size: the recipe's enlargement is kept.
        Assert.Equal(384, TrainingRecipes.ForDataset("small", Boxes(10, width: 200, height: 150)).Model.MinSize);
        // Images bigger than the input are resized down as before.
        Assert.Equal(384, TrainingRecipes.ForDataset("small", Boxes(40)).Model.MinSize);
        Assert.Equal(800, TrainingRecipes.ForDataset("r50", Boxes(40, width: 200, height: 150)).Model.MinSize);
    }
}

public sealed class TrainingOptionsValidationTests
{
    [Theory]
    [InlineData("{\"learning_rat\": 0.1}", "learning_rat")]
    [InlineData("{\"model\": {\"num_clases\": 3}}", "num_clases")]
    [InlineData("{\"model\": null}", "\"model\" is null")]
    [InlineData("{\"iterations\": \"many\"}", "iterations")]
    public void Bad_config_files_name_the_key(string json, string named)
    {
        var e = Assert.Throws<InvalidDataException>(() => TrainingOptions.FromJson(json, "my.json"));
        Assert.StartsWith("my.json", e.Message);
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void A_config_written_by_an_earlier_version_still_reads()
    {
        var old = TrainingOptions.FromJson("{\"iterations\": 30, \"resolved_learning_rate\": 0.01, \"resolved_lr_steps\": [20, 26]}", "old.json");
        Assert.Equal(30, old.Iterations);
        Assert.Equal([20L, 26L], old.ResolvedLrSteps);
    }

    [Fact]
    public void A_written_config_reads_back()
    {
        var options = TrainingRecipes.Get("small", 3);
        Assert.Equal(options.ToJson(), TrainingOptions.FromJson(options.ToJson(), "config.json").ToJson());
    }

    public static TheoryData<string, TrainingOptions> BadValues()
    {
        var o = TrainingRecipes.Get("small", 3);
        return new()
        {
            { "learning rate", o with { LearningRate = -1 } },
            { "Momentum", o with { Momentum = -1 } },
            { "Weight decay", o with { WeightDecay = -1 } },
            { "flip probability", o with { HorizontalFlipProbability = 2 } },
            { "Threads", o with { Threads = -3 } },
            { "StopAtIteration", o with { StopAtIteration = -5 } },
        };
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Out_of_range_values_are_refused_naming_them(string named, TrainingOptions options) =>
        Assert.Contains(named, Assert.Throws<ArgumentException>(options.Validate).Message);
}

public sealed class ConfigDocumentationTests
{
    [Fact]
    public void Every_config_key_is_documented()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "RetinaSharp.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var doc = File.ReadAllText(Path.Combine(dir!.FullName, "docs", "CONFIG.md"));
        using var json = System.Text.Json.JsonDocument.Parse(new TrainingOptions().ToJson());
        var missing = new List<string>();
        foreach (var p in json.RootElement.EnumerateObject())
            if (!doc.Contains($"`{p.Name}`", StringComparison.Ordinal)) missing.Add(p.Name);
        foreach (var p in json.RootElement.GetProperty("model").EnumerateObject())
            if (!doc.Contains($"`{p.Name}`", StringComparison.Ordinal)) missing.Add("model." + p.Name);
        Assert.True(missing.Count == 0, "not in docs/CONFIG.md: " + string.Join(", ", missing));
    }
}
