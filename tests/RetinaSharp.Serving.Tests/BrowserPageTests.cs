using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Serving.Tests;

/// <summary>
/// The demo page in a real browser: headless Chromium (Debian's <c>chromium</c> package) loads it,
/// an image is put into its file input through the DevTools protocol as a user's choice would be,
/// and the test reads what the page drew. It needs Chromium: the repository's test.sh installs it.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class BrowserPageTests(TinyModel model)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static string? FindChromium() =>
        new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    [Fact]
    public async Task Choosing_an_image_draws_its_boxes_and_the_slider_filters_them()
    {
        var chromium = FindChromium()
            ?? throw new InvalidOperationException("No Chromium found (set CHROMIUM, or install Debian's chromium: ./test.sh does).");
        using var cancel = new CancellationTokenSource(Patience);
        await using var running = await RunningServer.StartAsync(model);
        using var profile = new TempDir();
        var imagePath = profile["noise.png"];
        await File.WriteAllBytesAsync(imagePath, model.Pngs[0], cancel.Token);
        using var expectedDetector = RetinaNetDetector.Load(model.WeightsPath);
        int expected = expectedDetector.Detect([model.Images[0]])[0].Detections.Count;

        using var browser = StartChromium(chromium, profile["profile"]);
        try
        {
            using var devTools = await DevToolsClient.ConnectAsync(await BrowserEndpointAsync(profile["profile"], browser, cancel.Token), cancel.Token);
            var target = await devTools.CallAsync("Target.createTarget", new JsonObject { ["url"] = running.Server.Address!.ToString() }, null, cancel.Token);
            var attached = await devTools.CallAsync("Target.attachToTarget",
                new JsonObject { ["targetId"] = target.GetProperty("targetId").GetString(), ["flatten"] = true }, null, cancel.Token);
            var session = attached.GetProperty("sessionId").GetString()!;
            await UntilTrue(devTools, session, "document.readyState === 'complete' && !!window.retina", cancel.Token);

            // What a user's choice in the file dialog does: the input gets the file and fires "change".
            var document = await devTools.CallAsync("DOM.getDocument", null, session, cancel.Token);
            var input = await devTools.CallAsync("DOM.querySelector", new JsonObject
            {
                ["nodeId"] = document.GetProperty("root").GetProperty("nodeId").GetInt32(), ["selector"] = "#file",
            }, session, cancel.Token);
            await devTools.CallAsync("DOM.setFileInputFiles", new JsonObject
            {
                ["nodeId"] = input.GetProperty("nodeId").GetInt32(), ["files"] = new JsonArray(imagePath),
            }, session, cancel.Token);
            await UntilTrue(devTools, session, "window.retina.state.result !== null || document.getElementById('status').className === 'error'", cancel.Token);

            const string report = """
                (() => {
                  const canvas = document.getElementById('view');
                  const drawn = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                  const plain = document.createElement('canvas');
                  plain.width = canvas.width; plain.height = canvas.height;
                  const p = plain.getContext('2d');
                  p.drawImage(window.retina.state.image, 0, 0, canvas.width, canvas.height);
                  const original = p.getImageData(0, 0, canvas.width, canvas.height).data;
                  let changed = 0;
                  for (let i = 0; i < drawn.length; i += 4)
                    if (drawn[i] !== original[i] || drawn[i + 1] !== original[i + 1] || drawn[i + 2] !== original[i + 2]) changed++;
                  return {
                    status: document.getElementById('status').textContent,
                    error: document.getElementById('status').className === 'error',
                    timing: document.getElementById('timing').textContent,
                    total: window.retina.state.result ? window.retina.state.result.detections.length : -1,
                    shown: window.retina.state.shown,
                    rows: document.querySelectorAll('#table tbody tr').length,
                    width: canvas.width, height: canvas.height, changed,
                  };
                })()
                """;
            async Task<JsonElement> SetThreshold(string value) =>
                await devTools.EvaluateAsync($"(() => {{ const t = document.getElementById('threshold'); t.value = '{value}'; t.dispatchEvent(new Event('input')); return {report}; }})()", session, cancel.Token);

            var all = await SetThreshold("0");
            Assert.False(all.GetProperty("error").GetBoolean(), all.GetProperty("status").GetString());
            Assert.Equal(expected, all.GetProperty("total").GetInt32());
            Assert.Equal(expected, all.GetProperty("shown").GetInt32());
            Assert.Equal(expected, all.GetProperty("rows").GetInt32());
            // The 80 x 60 image, drawn larger on the canvas.
            Assert.Equal(all.GetProperty("width").GetInt32() * 60, all.GetProperty("height").GetInt32() * 80);
            Assert.InRange(all.GetProperty("width").GetInt32(), 80, 320);
            Assert.True(all.GetProperty("changed").GetInt32() > 0, "no box was drawn over the image");
            Assert.Matches(@"^Server \d+\.\d ms, round trip \d+\.\d ms\.$", all.GetProperty("timing").GetString());
            Assert.StartsWith($"{expected} of {expected} detections", all.GetProperty("status").GetString());

            var none = await SetThreshold("1");
            Assert.Equal(0, none.GetProperty("shown").GetInt32());
            Assert.Equal(0, none.GetProperty("rows").GetInt32());
            Assert.Equal(0, none.GetProperty("changed").GetInt32());
            Assert.StartsWith($"0 of {expected} detections", none.GetProperty("status").GetString());

            // A file the server cannot decode: the page shows the server's message.
            var garbagePath = profile["garbage.png"];
            await File.WriteAllBytesAsync(garbagePath, [1, 2, 3, 4, 5, 6, 7, 8], cancel.Token);
            await devTools.CallAsync("DOM.setFileInputFiles", new JsonObject
            {
                ["nodeId"] = input.GetProperty("nodeId").GetInt32(), ["files"] = new JsonArray(garbagePath),
            }, session, cancel.Token);
            await UntilTrue(devTools, session, "document.getElementById('status').className === 'error'", cancel.Token);
            var status = await devTools.EvaluateAsync("document.getElementById('status').textContent", session, cancel.Token);
            Assert.StartsWith("400: Not a PNG or JPEG", status.GetString());
        }
        finally
        {
            if (!browser.HasExited) browser.Kill(entireProcessTree: true);
            await browser.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static Process StartChromium(string chromium, string profile)
    {
        var start = new ProcessStartInfo(chromium) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[]
                 {
                     "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                     $"--user-data-dir={profile}", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank",
                 })
            start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        // Drained so that a chatty browser never blocks on a full pipe.
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>Chromium writes its DevTools port and browser path to this file once it listens.</summary>
    private static async Task<Uri> BrowserEndpointAsync(string profile, Process browser, CancellationToken cancel)
    {
        var file = Path.Combine(profile, "DevToolsActivePort");
        while (true)
        {
            Assert.False(browser.HasExited, $"chromium exited with code {(browser.HasExited ? browser.ExitCode : 0)}");
            if (File.Exists(file))
            {
                var lines = (await File.ReadAllLinesAsync(file, cancel)).Where(l => l.Length > 0).ToArray();
                if (lines.Length >= 2) return new Uri($"ws://127.0.0.1:{lines[0]}{lines[1]}");
            }
            await Task.Delay(50, cancel);
        }
    }

    private static async Task UntilTrue(DevToolsClient devTools, string session, string condition, CancellationToken cancel)
    {
        while ((await devTools.EvaluateAsync(condition, session, cancel)).ValueKind != JsonValueKind.True)
            await Task.Delay(50, cancel);
    }
}
