using Serverless.EventSourcing.Functions.Tests.Contract;
using Serverless.EventSourcing.Functions.Tests.Hosts;

namespace Serverless.EventSourcing.Functions.Tests.Authorization;

/// <summary>Tokens and keys, valid or not, in headers or in the query, never reach the host's own log lines.</summary>
public static class SecretsStayOutOfLogs
{
    public static async Task No_token_or_key_is_logged(ApiHost host)
    {
        var token = host.Issuer.Token("ada", ["reader"]);
        var expired = host.Issuer.Token("ada", ["reader"], notBefore: DateTime.UtcNow.AddHours(-2), expires: DateTime.UtcNow.AddHours(-1));
        var wrongKey = "wrong-" + Guid.NewGuid().ToString("N");
        var stream = await host.Client.AppendOneAsync($"note-{Api.NewId()}");
        using var anonymous = host.NewClientWithoutKey();

        // Valid and invalid credentials on ordinary routes, on a live route in the query, and on a route that refuses a query token
        using (var reader = host.BearerClient(token))
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/streams/{stream}/events")).StatusCode);
        }

        using (var bad = host.BearerClient(expired))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await bad.GetAsync($"/api/streams/{stream}/events")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(HttpMethod.Get, "/api/stats", null, ("x-functions-key", wrongKey))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.KeyClient("ops").GetAsync("/api/stats")).StatusCode);
        var (live, _) = await SseClient.OpenAsync(anonymous, $"/api/streams/{stream}/live?fromVersion=1&access_token={token}");
        await using (live)
        {
            Assert.NotNull(live);
            await live!.ReadEventsAsync(1, TimeSpan.FromSeconds(30));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/streams/{stream}/live?fromVersion=0&access_token={expired}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/events?access_token={token}")).StatusCode);

        // Then the host logged, but none of the secrets (nor the JWT's signature part on its own)
        var logs = host.Logs.All;
        Assert.NotEmpty(host.Logs.Lines);
        foreach (var secret in new[] { token, expired, token.Split('.')[2], expired.Split('.')[2], wrongKey, ApiHost.Key, ApiHost.NamedKeys["ops"].Key })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }

        // A host with keys and an issuer is not open, and does not warn that it is.
        Assert.DoesNotContain("The API is open", logs, StringComparison.Ordinal);
    }
}

public sealed class LocalHostSecretsStayOutOfLogsTests(LocalHostHost host) : IClassFixture<LocalHostHost>
{
    [Fact]
    public Task No_token_or_key_is_logged() => SecretsStayOutOfLogs.No_token_or_key_is_logged(host);
}

public sealed class FunctionsAppSecretsStayOutOfLogsTests(FunctionsAppHost host) : IClassFixture<FunctionsAppHost>
{
    [Fact]
    public Task No_token_or_key_is_logged() => SecretsStayOutOfLogs.No_token_or_key_is_logged(host);
}
