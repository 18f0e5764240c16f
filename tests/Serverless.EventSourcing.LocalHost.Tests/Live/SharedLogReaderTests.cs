using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Application.Live;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.LocalHost.Tests.Live;

/// <summary>Polls for other instances' appends every 200 ms; its own host, so its log reader's counts are this test's alone.</summary>
public sealed class FastPollLiveFixture : LocalHostFixture
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Live:PollMilliseconds"] = ((int)Poll.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>One log reader per instance: subscribers share its reads, and appends it was not told about arrive by its polling.</summary>
public sealed class SharedLogReaderTests(FastPollLiveFixture host) : IClassFixture<FastPollLiveFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Forty_idle_subscribers_cost_one_readers_polls_and_an_append_from_another_instance_reaches_them_all()
    {
        // Given 20 log subscribers and 20 subscribers to one stream, all from now, all past their first read
        var category = "shared" + Http.NewId();
        var stream = $"{category}-1";
        Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsync($"/api/streams/{stream}/events", Http.Json(new { events = new[] { new { type = "first", data = new { } } } }))).StatusCode);
        var feeds = new List<SseClient>();
        for (var i = 0; i < 40; i++)
        {
            var (feed, response) = await SseClient.OpenAsync(host.Client, i % 2 == 0 ? $"/api/events/live?category={category}" : $"/api/streams/{stream}/live");
            Assert.True(feed is not null, $"subscriber {i}: {response.StatusCode}");
            feeds.Add(feed);
        }

        var log = host.Services.GetRequiredService<LiveLog>();
        await Task.Delay(FastPollLiveFixture.Poll * 5);

        // When nothing is appended for two seconds
        var (shared, catchUp) = (log.SharedReads, log.CatchUpReads);
        var idle = TimeSpan.FromSeconds(2);
        await Task.Delay(idle);

        // Then the database saw one reader's polls, not one per subscriber, and nobody read it alone
        var idleReads = log.SharedReads - shared;
        var polls = (int)(idle / FastPollLiveFixture.Poll);
        Assert.InRange(idleReads, 1, polls + 3);
        Assert.Equal(catchUp, log.CatchUpReads);

        // When another instance appends (this host's append signal never hears of it)
        var elsewhere = new PostgresEventStore(host.Database.DataSource);
        await elsewhere.AppendAsync(StreamId.Parse(stream), ExpectedVersion.Exactly(1), [new EventData(Guid.NewGuid(), "second", "{}", EventMetadata.Empty)]);

        // Then the reader's poll finds it and every subscriber gets it, still without reading the database itself
        var received = await Task.WhenAll(feeds.Select(f => f.ReadEventsAsync(1, Bound)));
        Assert.All(received, messages => Assert.Equal("second", Assert.Single(messages).Event));
        Assert.Equal(catchUp, log.CatchUpReads);
        foreach (var feed in feeds)
        {
            await feed.DisposeAsync();
        }
    }
}
