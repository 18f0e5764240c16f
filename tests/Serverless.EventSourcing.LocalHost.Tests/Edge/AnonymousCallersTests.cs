namespace Serverless.EventSourcing.LocalHost.Tests.Edge;

/// <summary>With an API key configured, callers without it learn nothing but the probes' status.</summary>
public class AnonymousCallersTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task Ready_tells_an_anonymous_caller_only_the_status()
    {
        using var anonymous = host.NewClient(withKey: false);

        var response = await anonymous.GetAsync("/api/ready");
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["status"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("ready", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_tells_a_caller_with_the_key_every_check()
    {
        var body = await (await host.Client.GetAsync("/api/ready")).JsonAsync();

        var names = body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains("postgres", names);
        Assert.Contains(names, n => n!.StartsWith("projection", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GET", "/api/no/such/route")]
    [InlineData("PUT", "/api/streams/note-1/events")]
    [InlineData("DELETE", "/api/events")]
    [InlineData("POST", "/api/health")]
    public async Task Unknown_routes_and_wrong_methods_are_401_before_404_or_405(string method, string path)
    {
        using var anonymous = host.NewClient(withKey: false);

        var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty(response.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("/api/health")]
    [InlineData("/api/ready")]
    [InlineData("/api/openapi.json")]
    public async Task The_probes_and_the_openapi_document_stay_open(string path)
    {
        using var anonymous = host.NewClient(withKey: false);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path)).StatusCode);
    }
}
