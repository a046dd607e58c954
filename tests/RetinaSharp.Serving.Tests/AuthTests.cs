using System.Net;
using System.Net.Http.Headers;
using Xunit;

namespace RetinaSharp.Serving.Tests;

[Collection(ServingCollection.Name)]
public sealed class AuthTests(TinyModel model)
{
    [Fact]
    public async Task With_a_token_detect_needs_the_right_bearer_header()
    {
        await using var running = await RunningServer.StartAsync(model, new ServeOptions { Token = "s3cret-token" });

        async Task<HttpResponseMessage> Send(AuthenticationHeaderValue? auth)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/detect") { Content = RunningServer.Body(model.Pngs[1]) };
            request.Headers.Authorization = auth;
            return await running.Client.SendAsync(request);
        }

        foreach (var wrong in new AuthenticationHeaderValue?[]
                 {
                     null, new("Bearer", "s3cret-tokeN"), new("Bearer", "s3cret-token-and-more"), new("Bearer", "s3cret"),
                     new("Basic", "s3cret-token"), new("Bearer"),
                 })
        {
            using var r = await Send(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Equal("Bearer", r.Headers.WwwAuthenticate.Single().Scheme);
        }
        using (var r = await Send(new AuthenticationHeaderValue("Bearer", "s3cret-token")))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await Send(new AuthenticationHeaderValue("bearer", "s3cret-token")))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        // Health, metrics and the page stay open: they show no images and no results.
        Assert.Equal(HttpStatusCode.OK, (await running.Client.GetAsync("healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await running.Client.GetAsync("metrics")).StatusCode);
        var metrics = await running.Client.GetStringAsync("metrics");
        Assert.Contains("retina_http_requests_total{endpoint=\"/v1/detect\",code=\"401\"} 6\n", metrics);
    }

    [Fact]
    public async Task Without_a_token_no_header_is_needed()
    {
        await using var running = await RunningServer.StartAsync(model);
        using var r = await running.DetectAsync(model.Pngs[1]);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }
}
