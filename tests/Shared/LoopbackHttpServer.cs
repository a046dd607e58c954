using System.Net;
using System.Net.Sockets;

namespace RetinaSharp.Testing;

/// <summary>
/// An HTTP server on 127.0.0.1 for download tests, so no test needs the internet: serves files by
/// path (404 for anything else), can cut the connection or go silent partway through a body, and
/// counts the requests it saw.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, Route> _routes = new(StringComparer.Ordinal);
    private int _requests;

    private sealed record Route(byte[] Body, int? CutAfter, int? StallAfter);

    public LoopbackHttpServer()
    {
        // A port found free can be taken before the listener binds it; a few tries make that harmless.
        for (int attempt = 0; ; attempt++)
        {
            Port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add(BaseUrl);
            try
            {
                listener.Start();
                _listener = listener;
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}/";

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Serves <paramref name="body"/> at /<paramref name="name"/>.</summary>
    /// <param name="cutAfter">Closes the connection after this many bytes of a body announced in full.</param>
    /// <param name="stallAfter">Sends this many bytes, then nothing more until the server is disposed.</param>
    public void Serve(string name, byte[] body, int? cutAfter = null, int? stallAfter = null)
    {
        lock (_routes) _routes["/" + name] = new Route(body, cutAfter, stallAfter);
    }

    /// <summary>A loopback port nothing listens on (at the moment of asking).</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            Interlocked.Increment(ref _requests);
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            Route? route;
            lock (_routes) route = _routes.GetValueOrDefault(context.Request.Url!.AbsolutePath);
            if (route is null)
            {
                response.StatusCode = 404;
                response.Close();
                return;
            }
            response.ContentLength64 = route.Body.Length;
            var output = response.OutputStream;
            int first = route.CutAfter ?? route.StallAfter ?? route.Body.Length;
            await output.WriteAsync(route.Body.AsMemory(0, first));
            await output.FlushAsync();
            if (route.CutAfter is not null)
            {
                response.Abort();
                return;
            }
            if (route.StallAfter is not null)
            {
                try { await Task.Delay(Timeout.Infinite, _stop.Token); } catch (OperationCanceledException) { }
                response.Abort();
                return;
            }
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away first, which some tests do on purpose.
            response.Abort();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
