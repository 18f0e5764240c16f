using System.Net.Sockets;

namespace Serverless.EventSourcing.LocalHost.Tests.Edge;

/// <summary>Query values and paths that are not what a route takes.</summary>
public class QueryAndPathTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private HttpClient Client => host.Client;

    [Theory]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("ten")]
    [InlineData("1.5")]
    public async Task A_parked_list_with_a_limit_out_of_range_is_400_naming_limit(string limit)
    {
        var response = await Client.GetAsync($"/api/projections/balances/parked?limit={limit}");

        Assert.Equal("limit", await response.InvalidFieldAsync());
    }

    [Fact]
    public async Task A_parked_list_takes_a_limit_in_range()
    {
        var response = await Client.GetAsync("/api/projections/balances/parked?limit=5");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(JsonValueKind.Array, (await response.JsonAsync()).GetProperty("parked").ValueKind);
    }

    [Fact]
    public async Task As_of_together_with_as_of_version_is_400_not_404()
    {
        // Given an account that exists
        var id = Http.NewId();
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync($"/api/aggregates/account/{id}/commands/open", Http.Json(new { owner = "Ada", currency = "EUR" }))).StatusCode);

        // When both ways of travelling in time are given
        var response = await Client.GetAsync($"/api/aggregates/account/{id}?asOfVersion=1&asOf=2000-01-01T00:00:00Z");

        // Then the request is refused as malformed rather than answered "did not exist"
        Assert.Equal("asOf", await response.InvalidFieldAsync());
    }

    /// <summary>
    /// Kestrel refuses a request target whose path decodes to a NUL while it parses the request line, before any
    /// middleware runs, and writes its own empty 400. No Kestrel option lets the application shape that answer (see
    /// README, "HTTP API"). This pins the behaviour down: if Kestrel ever lets such a path through, the route's own
    /// validation answers instead and this test must change to expect problem+json.
    /// </summary>
    [Fact]
    public async Task A_nul_in_the_path_is_refused_by_kestrel_before_the_app_with_an_empty_400()
    {
        var response = await RawRequestAsync($"GET /api/streams/a%00b/events HTTP/1.1\r\nHost: localhost\r\nx-functions-key: {LocalHostFixture.Key}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400 ", response);
        Assert.Contains("Content-Length: 0", response);
        Assert.DoesNotContain("x-correlation-id", response, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_nul_in_the_query_reaches_the_app_and_is_a_problem()
    {
        var response = await Client.GetAsync("/api/streams/note-1/events?direction=%00");

        Assert.Equal("direction", await response.InvalidFieldAsync());
    }

    private async Task<string> RawRequestAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync();
    }
}
