using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetinaSharp.Serving.Tests;

/// <summary>
/// The least of the Chrome DevTools protocol a page test needs: one call at a time over the
/// browser's WebSocket, events ignored.
/// </summary>
internal sealed class DevToolsClient : IDisposable
{
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private DevToolsClient() { }

    public static async Task<DevToolsClient> ConnectAsync(Uri browserEndpoint, CancellationToken cancel)
    {
        var client = new DevToolsClient();
        await client._socket.ConnectAsync(browserEndpoint, cancel);
        return client;
    }

    /// <summary>Sends a command and returns its "result", or throws with the browser's error.</summary>
    public async Task<JsonElement> CallAsync(string method, JsonObject? parameters, string? sessionId, CancellationToken cancel)
    {
        int id = ++_nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (sessionId is not null) message["sessionId"] = sessionId;
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancel);
        while (true)
        {
            using var reply = JsonDocument.Parse(await ReceiveAsync(cancel));
            var root = reply.RootElement;
            if (!root.TryGetProperty("id", out var replyId) || replyId.GetInt32() != id) continue;
            if (root.TryGetProperty("error", out var error)) throw new InvalidOperationException($"{method}: {error}");
            return root.GetProperty("result").Clone();
        }
    }

    /// <summary>Evaluates a JavaScript expression in the page (awaiting a promise) and returns its value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, string sessionId, CancellationToken cancel)
    {
        var result = await CallAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true,
        }, sessionId, cancel);
        if (result.TryGetProperty("exceptionDetails", out var exception)) throw new InvalidOperationException($"page script failed: {exception}");
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    private async Task<byte[]> ReceiveAsync(CancellationToken cancel)
    {
        using var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var part = await _socket.ReceiveAsync(buffer, cancel);
            if (part.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("The browser closed the DevTools connection.");
            message.Write(buffer, 0, part.Count);
            if (part.EndOfMessage) return message.ToArray();
        }
    }

    public void Dispose() => _socket.Dispose();
}
