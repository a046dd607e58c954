using Microsoft.Extensions.Hosting;

namespace RetinaSharp.Serving;

/// <summary>
/// A host lifetime that installs no Ctrl-C or SIGTERM handlers: the server runs inside other
/// programs (tests, the CLI), and the program decides when to stop it.
/// </summary>
internal sealed class SignalFreeLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
