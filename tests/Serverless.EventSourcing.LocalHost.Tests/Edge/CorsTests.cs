using Serverless.EventSourcing.LocalHost;

namespace Serverless.EventSourcing.LocalHost.Tests.Edge;

/// <summary>A host that lets two browser origins call it.</summary>
public sealed class CorsFixture : LocalHostFixture
{
    public const string Allowed = "http://allowed.example:8080";

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Cors:AllowedOrigins"] = $"{Allowed}, https://app.example.com",
    };
}

/// <summary>CORS from <c>Cors:AllowedOrigins</c> (ASP.NET Core's policy): preflight, headers on answers and refusals, nothing for other origins.</summary>
public sealed class CorsTests(CorsFixture host) : IClassFixture<CorsFixture>
{
    [Fact]
    public async Task A_preflight_from_an_allowed_origin_names_the_methods_and_headers_and_writes_nothing()
    {
        var stream = $"note-{Http.NewId()}";
        using var preflight = Preflight($"/api/streams/{stream}/events", CorsFixture.Allowed, "POST", "content-type,idempotency-key,x-functions-key,if-match");
        using var response = await host.NewClient(withKey: false).SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(CorsFixture.Allowed, Single(response, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Single(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        var headers = Single(response, "Access-Control-Allow-Headers").ToLowerInvariant();
        Assert.All(["content-type", "idempotency-key", "x-functions-key", "if-match"], h => Assert.Contains(h, headers, StringComparison.Ordinal));
        Assert.Equal("600", Single(response, "Access-Control-Max-Age"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/streams/{stream}")).StatusCode);
    }

    [Fact]
    public async Task Answers_and_refusals_to_an_allowed_origin_carry_the_origin_and_the_headers_a_script_may_read()
    {
        var stream = $"note-{Http.NewId()}";
        using var append = new HttpRequestMessage(HttpMethod.Post, $"/api/streams/{stream}/events") { Content = Http.Json(new { events = new[] { new { type = "noted", data = new { } } } }) };
        append.Headers.Add("Origin", CorsFixture.Allowed);
        using var created = await host.Client.SendAsync(append);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(CorsFixture.Allowed, Single(created, "Access-Control-Allow-Origin"));
        var exposed = Single(created, "Access-Control-Expose-Headers").ToLowerInvariant();
        Assert.All(["etag", "location", "retry-after", "x-correlation-id"], h => Assert.Contains(h, exposed, StringComparison.Ordinal));

        using var anonymous = new HttpRequestMessage(HttpMethod.Get, $"/api/streams/{stream}/events");
        anonymous.Headers.Add("Origin", CorsFixture.Allowed);
        using var refused = await host.NewClient(withKey: false).SendAsync(anonymous);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(CorsFixture.Allowed, Single(refused, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Another_origin_gets_no_CORS_headers_and_its_preflight_allows_nothing()
    {
        using var preflight = Preflight("/api/events", "https://evil.example", "POST", "content-type");
        using var response = await host.NewClient(withKey: false).SendAsync(preflight);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Methods"));

        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        read.Headers.Add("Origin", "https://evil.example");
        using var answered = await host.Client.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.False(answered.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://app.example.com/")]
    [InlineData("https://app.example.com/path")]
    [InlineData("app.example.com")]
    [InlineData("ftp://app.example.com")]
    [InlineData("https://a.example, *")]
    public void A_setting_that_is_not_a_list_of_origins_stops_the_host_at_start_naming_it(string origins)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => LocalHostApp.Build([], LocalHost.App.AppModules.All, new Dictionary<string, string?> { ["Cors:AllowedOrigins"] = origins }));
        Assert.Contains("Cors:AllowedOrigins", refused.Message, StringComparison.Ordinal);
    }

    internal static HttpRequestMessage Preflight(string path, string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static string Single(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? string.Join(",", values) : throw new Xunit.Sdk.XunitException($"no {header} header (status {(int)response.StatusCode})");
}

/// <summary>The default host allows no browser origin: no CORS headers at all.</summary>
public sealed class NoCorsByDefaultTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task Without_the_setting_no_origin_gets_CORS_headers()
    {
        using var preflight = CorsTests.Preflight("/api/events", CorsFixture.Allowed, "POST", "content-type");
        using var response = await host.NewClient(withKey: false).SendAsync(preflight);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));

        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        read.Headers.Add("Origin", CorsFixture.Allowed);
        using var answered = await host.Client.SendAsync(read);
        Assert.False(answered.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
