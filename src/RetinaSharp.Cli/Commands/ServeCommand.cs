using System.CommandLine;
using System.Runtime.InteropServices;
using RetinaSharp.Serving;

namespace RetinaSharp.Cli.Commands;

internal static class ServeCommand
{
    /// <summary>Read when --token is not given, so that the secret need not appear in the process list.</summary>
    public const string TokenVariable = "RETINA_SERVE_TOKEN";

    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "A RetinaSharp checkpoint or a torchvision RetinaNet state dict (.pth / .safetensors).", Required = true };
        var host = new Option<string>("--host") { Description = "Address to listen on (loopback by default; 0.0.0.0 for every interface).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (0 picks a free one).", DefaultValueFactory = _ => 8080 };
        var token = new Option<string?>("--token") { Description = $"Require 'Authorization: Bearer TOKEN' on /v1/detect (default: ${TokenVariable} when set)." };
        var maxBatch = new Option<int>("--max-batch") { Description = "Most images per detector call.", DefaultValueFactory = _ => 8 };
        var maxQueue = new Option<int>("--max-queue") { Description = "Requests that may wait; more are answered 503.", DefaultValueFactory = _ => 64 };
        var maxUpload = new Option<int>("--max-upload-mb") { Description = "Largest image upload in MiB (413 beyond).", DefaultValueFactory = _ => 20 };
        var maxMegapixels = new Option<double>("--max-megapixels") { Description = "Largest decoded image in millions of pixels (400 beyond).", DefaultValueFactory = _ => 40 };
        var timeout = new Option<double>("--timeout-s") { Description = "Seconds a request may wait for its detections (504 beyond).", DefaultValueFactory = _ => 30 };
        var threads = new Option<int>("--threads") { Description = "Threads the detector's kernels use.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("serve", "Serve a detector over HTTP: POST /v1/detect, GET /healthz, GET /metrics and a demo page at /.")
            { weights, host, port, token, maxBatch, maxQueue, maxUpload, maxMegapixels, timeout, threads };
        command.SetAction(pr => CliErrors.Run("serve", () =>
        {
            if (!(pr.GetValue(timeout) > 0)) throw new ArgumentException("--timeout-s must be positive.");
            if (pr.GetValue(maxUpload) < 1) throw new ArgumentException("--max-upload-mb must be at least 1.");
            if (!(pr.GetValue(maxMegapixels) * 1e6 >= 1)) throw new ArgumentException("--max-megapixels must be positive.");
            var options = new ServeOptions
            {
                Host = pr.GetValue(host)!,
                Port = pr.GetValue(port),
                Token = pr.GetValue(token) ?? NonEmpty(Environment.GetEnvironmentVariable(TokenVariable)),
                MaxBatch = pr.GetValue(maxBatch),
                MaxQueue = pr.GetValue(maxQueue),
                MaxUploadBytes = (long)pr.GetValue(maxUpload) << 20,
                MaxImagePixels = (long)(pr.GetValue(maxMegapixels) * 1e6),
                RequestTimeout = TimeSpan.FromSeconds(pr.GetValue(timeout)),
            };
            options.Validate();
            Tensors.Kernels.KernelThreads.MaxThreads = pr.GetValue(threads);
            using var detector = RetinaNetDetector.Load(pr.GetValue(weights)!);
            using var stop = new CancellationTokenSource();
            // The first signal stops gracefully; a second one is left to end the process at once.
            Action<PosixSignalContext> onSignal = context =>
            {
                context.Cancel = !stop.IsCancellationRequested;
                stop.Cancel();
            };
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, onSignal);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, onSignal);
            var server = new DetectionServer(detector, options);
            try
            {
                server.StartAsync().GetAwaiter().GetResult();
                Console.WriteLine($"Serving {detector.ClassNames.Count} classes on {server.Address} (POST {server.Address}v1/detect{(options.Token is null ? "" : ", bearer token required")}). Ctrl-C or SIGTERM stops.");
                stop.Token.WaitHandle.WaitOne();
                Console.WriteLine("Stopping: finishing the requests in flight.");
            }
            finally
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            Console.WriteLine("Stopped.");
            return 0;
        }));
        return command;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
