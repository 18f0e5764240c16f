using Serverless.EventSourcing.Functions.Tests.Durable;
using Serverless.EventSourcing.Functions.Tests.Hosts;

namespace Serverless.EventSourcing.Functions.Tests.Authorization;

/// <summary>The authorization case table against the local host.</summary>
public sealed class LocalHostAuthorizationTests(LocalHostHost host) : IClassFixture<LocalHostHost>
{
    [Theory]
    [MemberData(nameof(AuthorizationCases.Names), MemberType = typeof(AuthorizationCases))]
    public Task Holds(string route) => AuthorizationCases.RunAsync(host, route);
}

/// <summary>The same table against the Functions app's function classes (with a Durable backend, for saga starts).</summary>
public sealed class FunctionsAppAuthorizationTests(DurableAppHost host) : IClassFixture<DurableAppHost>
{
    [Theory]
    [MemberData(nameof(AuthorizationCases.Names), MemberType = typeof(AuthorizationCases))]
    public Task Holds(string route) => AuthorizationCases.RunAsync(host, route);
}
