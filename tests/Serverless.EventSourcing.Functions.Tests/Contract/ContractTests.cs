using Serverless.EventSourcing.Functions.Tests.Hosts;

namespace Serverless.EventSourcing.Functions.Tests.Contract;

/// <summary>Every contract case against the local host.</summary>
public sealed class LocalHostContractTests(LocalHostHost host) : IClassFixture<LocalHostHost>
{
    [Theory]
    [MemberData(nameof(ContractCases.Names), MemberType = typeof(ContractCases))]
    public Task Holds(string contractCase) => ContractCases.All[contractCase](host);
}

/// <summary>Every contract case against the Functions app's function classes, routed from its metadata.</summary>
public sealed class FunctionsAppContractTests(FunctionsAppHost host) : IClassFixture<FunctionsAppHost>
{
    [Theory]
    [MemberData(nameof(ContractCases.Names), MemberType = typeof(ContractCases))]
    public Task Holds(string contractCase) => ContractCases.All[contractCase](host);
}

/// <summary>Every live case over SSE and over a WebSocket against the local host.</summary>
public sealed class LocalHostLiveTransportTests(LocalHostHost host) : IClassFixture<LocalHostHost>
{
    [Theory]
    [MemberData(nameof(LiveTransportCases.Both), MemberType = typeof(LiveTransportCases))]
    public Task Holds(string liveCase, LiveTransport transport) => LiveTransportCases.All[liveCase](host, transport);
}

/// <summary>Every live case over SSE against the Functions app's function classes.</summary>
public sealed class FunctionsAppLiveTransportTests(FunctionsAppHost host) : IClassFixture<FunctionsAppHost>
{
    [Theory]
    [MemberData(nameof(LiveTransportCases.SseOnly), MemberType = typeof(LiveTransportCases))]
    public Task Holds(string liveCase, LiveTransport transport) => LiveTransportCases.All[liveCase](host, transport);
}

/// <summary>The Functions app cannot upgrade to a WebSocket: each WebSocket route answers 400 naming its SSE route, after the key check.</summary>
public sealed class FunctionsAppWebSocketRefusalTests(FunctionsAppHost host) : IClassFixture<FunctionsAppHost>
{
    [Theory]
    [InlineData("/api/streams/note-1/live?fromVersion=1")]
    [InlineData("/api/events/live?category=note&afterPosition=0")]
    public async Task A_WebSocket_is_refused_with_a_problem_naming_the_SSE_route(string ssePath)
    {
        // A real WebSocket client's handshake is refused (its body is read again over plain HTTP with the same upgrade headers)
        var (feed, response) = await LiveFeed.OpenAsync(LiveTransport.WebSocket, host.Client, ssePath);
        Assert.Null(feed);
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, "websocket-unsupported");
        Assert.Equal(ssePath, problem.GetProperty("alternative").GetString());

        // And without the key it is 401 first, as on every route
        using var anonymous = host.NewClientWithoutKey();
        (feed, response) = await LiveFeed.OpenAsync(LiveTransport.WebSocket, anonymous, ssePath);
        Assert.Null(feed);
        await response.ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}

/// <summary>A WebSocket route asked without the upgrade on the local host: 426 with Upgrade, naming the SSE route.</summary>
public sealed class LocalHostWebSocketRequiredTests(LocalHostHost host) : IClassFixture<LocalHostHost>
{
    [Fact]
    public async Task A_plain_GET_of_a_WebSocket_route_is_426_naming_the_SSE_route()
    {
        var response = await host.Client.GetAsync("/api/events/live/ws?category=note");
        var problem = await response.ProblemAsync(HttpStatusCode.UpgradeRequired, "websocket-required");
        Assert.Equal("/api/events/live?category=note", problem.GetProperty("alternative").GetString());
        Assert.Equal("websocket", response.Headers.Upgrade.ToString());
    }
}
