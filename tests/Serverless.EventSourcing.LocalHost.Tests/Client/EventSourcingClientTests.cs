using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Client;
using Serverless.EventSourcing.LocalHost.Tests.Live;

namespace Serverless.EventSourcing.LocalHost.Tests.Client;

/// <summary>The typed client package against the running local host, registered as a user would (key, resilience).</summary>
public sealed class EventSourcingClientTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private EventSourcingClient Client(string? key = LocalHostFixture.Key)
    {
        var services = new ServiceCollection();
        services.AddEventSourcingClient(o => { o.BaseAddress = host.BaseAddress; o.ApiKey = key; });
        return services.BuildServiceProvider().GetRequiredService<EventSourcingClient>();
    }

    [Fact]
    public async Task The_walkthrough_runs_with_typed_results_and_typed_problems()
    {
        var client = Client();
        var id = Guid.NewGuid().ToString("N")[..10];

        var opened = await client.ExecuteAsync("account", id, "open", new { owner = "Ada", currency = "EUR" }, new CommandOptions { IdempotencyKey = "open-" + id });
        var retried = await client.ExecuteAsync("account", id, "open", new { owner = "Ada", currency = "EUR" }, new CommandOptions { IdempotencyKey = "open-" + id });
        var deposited = await client.ExecuteAsync("account", id, "deposit", new { amount = 2500, currency = "EUR" }, new CommandOptions { CorrelationId = "demo-" + id });
        var events = await client.ReadStreamAllAsync("account-" + id, pageSize: 1).ToListAsync();
        var stale = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => client.ExecuteAsync("account", id, "withdraw", new { amount = 100, currency = "EUR" }, new CommandOptions { ExpectedVersion = 1 }));
        var past = await client.GetAggregateAsync<JsonElement>("account", id, asOfVersion: 1);
        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => client.ExecuteAsync("account", id, "withdraw", new { amount = 1_000_000, currency = "EUR" }));

        Assert.Equal((1L, false), (opened.Version, opened.Replayed));
        Assert.Equal((1L, true, opened.CommandId), (retried.Version, retried.Replayed, retried.CommandId));
        Assert.Equal(2, deposited.Version);
        Assert.Equal(["AccountOpened", "MoneyDeposited"], events.Select(e => e.Type));
        Assert.Equal("demo-" + id, events[1].CorrelationId);
        Assert.Equal((HttpStatusCode.PreconditionFailed, 2L), (stale.Status, stale.CurrentVersion));
        Assert.Equal(0, past.State.GetProperty("balance").GetInt64());
        Assert.Equal("insufficient_funds", refused.RuleCode);
        await Assert.ThrowsAsync<NotFoundException>(() => client.GetAggregateAsync<JsonElement>("account", "nobody-" + id));
        Assert.Equal("owner", (await Assert.ThrowsAsync<InvalidRequestException>(() => client.ExecuteAsync("account", "x" + id, "open", new { owner = "", currency = "EUR" }))).Field);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Assert.ThrowsAsync<AccessDeniedException>(() => Client(key: null).GetAggregateAsync<JsonElement>("account", id))).Status);
    }

    [Fact]
    public async Task An_append_sent_twice_is_recorded_once_and_a_stale_expected_version_is_a_typed_conflict()
    {
        var client = Client();
        var stream = "note-" + Guid.NewGuid().ToString("N");
        NewEvent[] events = [new("noted", new { text = "one" }, Guid.NewGuid()), new("noted", new { text = "two" }, Guid.NewGuid())];

        var first = await client.AppendAsync(stream, events, expectedVersion: 0);
        var again = await client.AppendAsync(stream, events, expectedVersion: 0);
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => client.AppendAsync(stream, [new NewEvent("noted", new { text = "three" })], expectedVersion: 1));

        Assert.Equal((2L, false), (first.NextExpectedVersion, first.Duplicate));
        Assert.Equal((2L, true), (again.NextExpectedVersion, again.Duplicate));
        Assert.Equal(2, conflict.CurrentVersion);
        Assert.Equal(["one", "two"], (await client.ReadStreamAsync(stream)).Events.Select(e => e.DataAs<JsonElement>().GetProperty("text").GetString()));
    }

    [Fact]
    public async Task A_stream_policy_is_set_read_back_and_refused_with_typed_answers()
    {
        var client = Client();
        var stream = "note-" + Guid.NewGuid().ToString("N");
        await client.AppendAsync(stream, Enumerable.Range(1, 4).Select(n => new NewEvent("noted", new { n })));

        var set = await client.SetStreamPolicyAsync(stream, new StreamPolicy(MaxCount: 2));
        var info = await client.GetStreamAsync(stream);
        var page = await client.ReadStreamAsync(stream);
        var invalid = await Assert.ThrowsAsync<InvalidRequestException>(() => client.SetStreamPolicyAsync(stream, new StreamPolicy(TruncateBefore: 0)));
        var account = Guid.NewGuid().ToString("N")[..10];
        await client.ExecuteAsync("account", account, "open", new { owner = "Ada", currency = "EUR" });
        var refused = await Assert.ThrowsAsync<ApiProblemException>(() => client.SetStreamPolicyAsync("account-" + account, new StreamPolicy(MaxCount: 1)));

        Assert.Equal(2, set.Policy.MaxCount);
        Assert.Equal((4L, 2L, 0L), (info.Version, info.EffectivePolicy.MaxCount!.Value, info.ArchivedVersion));
        Assert.Equal([3L, 4], page.Events.Select(e => e.StreamVersion));
        Assert.Equal("truncateBefore", invalid.Field);
        Assert.Equal((HttpStatusCode.Conflict, "urn:serverless-eventsourcing:problem:retention-refused"), (refused.Status, refused.ProblemType));
        Assert.True((await client.SetStreamPolicyAsync(stream, StreamPolicy.None)).Policy.MaxCount is null);
        await Assert.ThrowsAsync<NotFoundException>(() => client.GetStreamAsync("note-" + Guid.NewGuid().ToString("N")));
    }
}

/// <summary>Live subscriptions through the client on a host whose connections end after 2 s: the client resumes by itself.</summary>
public sealed class EventSourcingClientLiveTests(CappedLiveFixture host) : IClassFixture<CappedLiveFixture>
{
    [Fact]
    public async Task A_subscription_resumes_across_server_closes_and_gets_every_event_once_in_order()
    {
        var services = new ServiceCollection();
        services.AddEventSourcingClient(o => { o.BaseAddress = host.BaseAddress; o.ApiKey = LocalHostFixture.Key; });
        var client = services.BuildServiceProvider().GetRequiredService<EventSourcingClient>();
        var stream = "note-" + Guid.NewGuid().ToString("N");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var received = Task.Run(async () =>
        {
            var versions = new List<long>();
            await foreach (var e in client.SubscribeAsync(stream, fromVersion: 1, timeout.Token))
            {
                versions.Add(e.StreamVersion);
                if (versions.Count == 6)
                {
                    break;
                }
            }

            return versions;
        });
        for (var i = 0; i < 6; i++)
        {
            await client.AppendAsync(stream, [new NewEvent("noted", new { n = i })]);
            // Six appends over about 3.6 s: the server closes each connection after 2 s, at least once in between.
            await Task.Delay(600);
        }

        Assert.Equal([1L, 2, 3, 4, 5, 6], await received);
    }
}

/// <summary>One request a second per caller, so a burst of reads is answered 429 with Retry-After.</summary>
public sealed class RateLimitedFixture : LocalHostFixture
{
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["RateLimits:PermitsPerSecond"] = "1",
        ["RateLimits:Burst"] = "1",
    };
}

/// <summary>The client's resilience pipeline: refusals over the rate limit are retried after Retry-After, so the caller sees answers.</summary>
public sealed class EventSourcingClientResilienceTests(RateLimitedFixture host) : IClassFixture<RateLimitedFixture>
{
    [Fact]
    public async Task A_burst_over_the_rate_limit_is_retried_after_retry_after_and_every_call_answers()
    {
        var attempts = new AttemptCounter();
        var services = new ServiceCollection();
        // Added after the resilience handler, so it sits between it and the network and sees every attempt.
        services.AddEventSourcingClient(o => { o.BaseAddress = host.BaseAddress; o.ApiKey = LocalHostFixture.Key; })
            .AddHttpMessageHandler(() => attempts);
        var client = services.BuildServiceProvider().GetRequiredService<EventSourcingClient>();
        var stream = "note-" + Guid.NewGuid().ToString("N");

        var appended = await client.AppendAsync(stream, [new NewEvent("noted", new { n = 1 })]);
        // One token a second: each read right after another call is refused once, then retried after Retry-After.
        var pages = new List<StreamPage>();
        for (var i = 0; i < 2; i++)
        {
            pages.Add(await client.ReadStreamAsync(stream));
        }

        Assert.Equal(1, appended.NextExpectedVersion);
        Assert.All(pages, p => Assert.Single(p.Events));
        Assert.True(attempts.TooManyRequests > 0, "no request was over the limit, so nothing was retried");
        Assert.Equal(2, pages.Count);
    }

    private sealed class AttemptCounter : DelegatingHandler
    {
        private int _tooMany;

        public int TooManyRequests => _tooMany;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Interlocked.Increment(ref _tooMany);
            }

            return response;
        }
    }
}
