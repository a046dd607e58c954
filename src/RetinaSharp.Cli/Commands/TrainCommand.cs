using System.CommandLine;
using RetinaSharp.Data;
using RetinaSharp.Distributed;
using RetinaSharp.Evaluation;
using RetinaSharp.Losses;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Training;

namespace RetinaSharp.Cli.Commands;

internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Training set: a COCO instances JSON, a Pascal VOC folder, or a keras-retinanet CSV.", Required = true };
        var classes = new Option<string?>("--classes") { Description = "Class list of a CSV data set (class,id per line)." };
        var split = new Option<string?>("--split") { Description = "Image set of a VOC data set (default trainval)." };
        var images = new Option<string?>("--images") { Description = "Image folder of the training set (default: the JSON's folder)." };
        var val = new Option<string?>("--val") { Description = "Validation set (COCO JSON, VOC folder with its test split, or CSV) evaluated with the COCO metrics during and after training." };
        var recipeName = new Option<string?>("--recipe") { Description = $"Starting recipe: {string.Join(", ", TrainingRecipes.Names)} (default: r50 with --weights or --backbone-weights, small from scratch); other options change it." };
        var anchorSizes = new Option<int[]?>("--anchor-sizes") { Description = "Base anchor size of P3..P7 (5 values).", AllowMultipleArgumentsPerToken = true };
        var aspectRatios = new Option<double[]?>("--aspect-ratios") { Description = "Anchor aspect ratios h/w.", AllowMultipleArgumentsPerToken = true };
        var fitAnchors = new Option<string?>("--anchors") { Description = "auto: fit anchor sizes and ratios to the training boxes before training (see retina data check --recipe)." };
        var time = new Option<string?>("--time") { Description = "Fit the whole schedule into this much training time: 90s, 10m, 1.5h." };
        var valSplit = new Option<string>("--val-split") { Description = "Image set of a VOC validation folder.", DefaultValueFactory = _ => "test" };
        var patience = new Option<int?>("--patience") { Description = "Stop after this many evaluations without a better AP (needs --val)." };
        var valImages = new Option<string?>("--val-images") { Description = "Image folder of the validation set." };
        var outDir = new Option<string>("--out") { Description = "Output folder: checkpoints, metrics.jsonl, config.json; with --val also results.csv and report/.", Required = true };
        var config = new Option<string?>("--config") { Description = "A JSON file with training options (as written to config.json); command-line options override it." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint." };
        var arch = new Option<string?>("--arch") { Description = $"Backbone: {string.Join(", ", ResNetSpec.KnownNames)}." };
        var width = new Option<double?>("--width") { Description = "Backbone width multiplier (1 = the published network)." };
        var norm = new Option<NormKind?>("--norm") { Description = "Backbone normalisation: FrozenBatchNorm (pretrained), BatchNorm or GroupNorm (from scratch)." };
        var weights = new Option<string?>("--weights") { Description = "Start from a full model: a RetinaSharp checkpoint, a torchvision RetinaNet state dict, or a published name such as retinanet_resnet50_fpn_coco (retina weights list)." };
        var backboneWeights = new Option<string?>("--backbone-weights") { Description = "Start the backbone from ImageNet ResNet weights: a .pth or .safetensors file, or a torchvision name such as resnet50 or resnet50.IMAGENET1K_V1, fetched into torch hub's cache when missing." };
        var trainable = new Option<int?>("--trainable-layers") { Description = "Backbone stages trained, from layer4 down (0–5)." };
        var batch = new Option<int?>("--batch") { Description = "Images per step." };
        var accum = new Option<int?>("--accumulate") { Description = "Gradient accumulation steps." };
        var iterations = new Option<int?>("--iterations") { Description = "Optimiser steps." };
        var epochs = new Option<double?>("--epochs") { Description = "Train for this many passes over the data instead of --iterations." };
        var lr = new Option<float?>("--lr") { Description = "Learning rate as is (default: 0.01 × effective batch / 16)." };
        var optimizer = new Option<string?>("--optimizer") { Description = "sgd or adamw." };
        var momentum = new Option<float?>("--momentum");
        var wd = new Option<float?>("--weight-decay");
        var warmup = new Option<int?>("--warmup") { Description = "Linear warmup iterations." };
        var schedule = new Option<ScheduleKind?>("--schedule") { Description = "MultiStep or Cosine." };
        var steps = new Option<long[]?>("--lr-steps") { Description = "Iterations at which the rate drops ×0.1.", AllowMultipleArgumentsPerToken = true };
        var clip = new Option<float?>("--clip-grad") { Description = "Clip the global gradient norm (0 = off)." };
        var minSizes = new Option<int[]?>("--min-size") { Description = "Training short side(s); several values give multi-scale training.", AllowMultipleArgumentsPerToken = true };
        var maxSize = new Option<int?>("--max-size");
        var flip = new Option<float?>("--flip") { Description = "Horizontal flip probability." };
        var alpha = new Option<float?>("--focal-alpha");
        var gamma = new Option<float?>("--focal-gamma");
        var clsLoss = new Option<ClassificationLossKind?>("--cls-loss") { Description = "Focal, AlphaBalancedCrossEntropy, Ohem or Hinge (their settings through --config)." };
        var boxLoss = new Option<BoxLossKind?>("--box-loss") { Description = "L1, SmoothL1 or GIoU." };
        var threads = new Option<int?>("--threads");
        var seed = new Option<ulong?>("--seed");
        var evalEvery = new Option<int?>("--eval-every");
        var ckEvery = new Option<int?>("--checkpoint-every");
        var command = new Command("train", "Train a RetinaNet on a COCO, VOC or CSV data set (a from-scratch recipe by default, the paper's with pretrained weights).")
        {
            data, classes, split, images, val, valSplit, valImages, patience, recipeName, time, anchorSizes, aspectRatios, fitAnchors, outDir, config, resume, arch, width, norm, weights, backboneWeights, trainable, batch, accum,
            iterations, epochs, lr, optimizer, momentum, wd, warmup, schedule, steps, clip, minSizes, maxSize, flip, alpha, gamma, clsLoss, boxLoss,
            threads, seed, evalEvery, ckEvery,
        };
        command.SetAction((pr, ct) => Task.FromResult(DistributedCli.Run("train", mpi =>
        {
            bool primary = mpi is null || mpi.Rank == 0;
            var train = DatasetFactory.Open(new DatasetSpec(pr.GetValue(data)!) { Images = pr.GetValue(images), Classes = pr.GetValue(classes), Split = pr.GetValue(split) });
            // A VOC or CSV validation set is read with the training set's classes, so labels agree.
            IDetectionDataset? valSet = pr.GetValue(val) is string v
                ? DatasetFactory.Open(new DatasetSpec(v) { Images = pr.GetValue(valImages), Classes = pr.GetValue(classes), Split = pr.GetValue(valSplit) },
                    new DatasetOptions { ClassNames = [.. train.Classes.Select(c => c.Name)] })
                : null;
            var dir = pr.GetValue(outDir)!;
            TrainingOptions recipe = pr.GetValue(config) is string cf ? TrainingOptions.FromJson(File.ReadAllText(cf), cf)
                : pr.GetValue(resume) && File.Exists(Path.Combine(dir, "config.json")) ? TrainingOptions.FromJson(File.ReadAllText(Path.Combine(dir, "config.json")), "config.json")
                : TrainingRecipes.ForDataset(pr.GetValue(recipeName) ?? TrainingRecipes.DefaultFor(pr.GetValue(weights) != null || pr.GetValue(backboneWeights) != null), train);
            var overrides = new TrainingOverrides
            {
                Backbone = pr.GetValue(arch), BackboneWidth = pr.GetValue(width), BackboneNorm = pr.GetValue(norm), TrainableBackboneLayers = pr.GetValue(trainable),
                MaxSize = pr.GetValue(maxSize), MinSizes = pr.GetValue(minSizes), FocalAlpha = pr.GetValue(alpha), FocalGamma = pr.GetValue(gamma),
                ClassificationLoss = pr.GetValue(clsLoss), BoxLoss = pr.GetValue(boxLoss), Weights = pr.GetValue(weights), BackboneWeights = pr.GetValue(backboneWeights),
                ImagesPerStep = pr.GetValue(batch), GradientAccumulation = pr.GetValue(accum), Iterations = pr.GetValue(iterations), Epochs = pr.GetValue(epochs),
                LearningRate = pr.GetValue(lr), Optimizer = pr.GetValue(optimizer), Momentum = pr.GetValue(momentum), WeightDecay = pr.GetValue(wd),
                WarmupIterations = pr.GetValue(warmup), Schedule = pr.GetValue(schedule), LrSteps = pr.GetValue(steps), GradientClipNorm = pr.GetValue(clip),
                FlipProbability = pr.GetValue(flip),
                // Under mpirun each process gets its share of this machine's cores unless --threads says otherwise.
                Threads = pr.GetValue(threads) ?? (MpiLaunch.IsActive ? Math.Max(1, Environment.ProcessorCount / MpiLaunch.LocalSize) : null), Seed = pr.GetValue(seed), EvalEvery = pr.GetValue(evalEvery),
                CheckpointEvery = pr.GetValue(ckEvery), Patience = pr.GetValue(patience),
                AnchorSizes = pr.GetValue(anchorSizes), AspectRatios = pr.GetValue(aspectRatios),
                TimeBudgetSeconds = pr.GetValue(time) is string ts ? TrainingOverrides.ParseDuration(ts) : null,
                FitScheduleToTime = pr.GetValue(time) is not null ? true : null,
            };
            var o = overrides.ApplyTo(recipe, train.Count, train.Classes.Count);
            if (pr.GetValue(fitAnchors) is string fa)
            {
                if (fa != "auto") throw new ArgumentException($"--anchors takes 'auto', not '{fa}'.");
                o = o with { Model = AnchorCoverage.Fit(train, o.Model) };
            }
            if (o.Patience > 0 && valSet == null) throw new ArgumentException("--patience needs a validation set (--val).");
            if (mpi is not null)
            {
                DataParallelTraining.Validate(o, mpi.Size);
                DataParallelTraining.CheckSameRun(mpi, DataParallelTraining.Fingerprint(o, train, dir, pr.GetValue(resume)));
            }
            if (primary) RunSummary.Print(Console.Out, train, valSet, o, dir);
            if (mpi is not null && primary) Console.WriteLine($"Data-parallel over {mpi.Size} processes: {o.ImagesPerStep} images per step in all, {o.Threads} thread(s) each.");
            var observer = new ConsoleTrainingObserver();
            var group = mpi is null ? null : new MpiDataParallel(mpi);
            var trainer = new Trainer(o, train, dir)
            {
                // Only rank 0 reports, evaluates and writes; the others train their share in silence.
                Observer = primary ? observer : null,
                Evaluator = valSet == null || !primary ? null : model => DetectorEvaluation.Validate(model, valSet),
                Parallel = group,
                ExtraHooks = mpi is null ? [] : [new ModelBroadcastHook(mpi)],
            };
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
            Console.CancelKeyPress += onCancel;
            TrainingResult result;
            try
            {
                if (primary) observer.Start(o.Iterations);
                using (observer) result = trainer.Run(pr.GetValue(resume), cts.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            if (!primary) return result.StopReason == StopReason.Diverged ? 3 : 0;
            Console.WriteLine($"{trainer.StopMessage}: {result.Iterations} iterations in {result.Elapsed.TotalMinutes:F1} min. Last checkpoint: {result.LastCheckpoint}");
            if (group is not null)
                Console.WriteLine($"Gradient allreduce on rank 0: {group.CommunicationTime.TotalSeconds:F2} s of {result.Elapsed.TotalSeconds:F2} s ({group.CommunicationTime.TotalSeconds / Math.Max(1e-9, result.Elapsed.TotalSeconds):P1}; includes waiting for the slowest rank).");
            if (result.SkippedImages > 0) Console.WriteLine($"{result.SkippedImages} unreadable images were left out of their batches: {train.Report.Summary()}");
            if (result.BestCheckpoint != null) Console.WriteLine($"Best checkpoint: {result.BestCheckpoint}");
            if (result.FinalMetrics != null)
                Console.WriteLine("Final: " + string.Join("  ", result.FinalMetrics.Select(kv => $"{kv.Key} {kv.Value:F3}")));
            if (valSet != null && ReportWriter.WantsReport(result)) ReportWriter.AfterTraining(result, o, train, valSet, dir, Console.Out, Console.Error);
            return result.StopReason == StopReason.Diverged ? 3 : 0;
        })));
        return command;
    }
}
