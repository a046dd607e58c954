using System.CommandLine;
using RetinaSharp.Cli.Commands;

var root = new RootCommand("RetinaSharp: RetinaNet and the focal loss in pure .NET.");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(PredictCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(SynthCommand.Create());
root.Subcommands.Add(DataCommand.Create());
root.Subcommands.Add(AblateCommand.Create());
root.Subcommands.Add(WeightsCommand.Create());
return root.Parse(args).Invoke();
