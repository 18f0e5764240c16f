namespace Serverless.EventSourcing.LocalHost.Tests.Live;

/// <summary>Server-sent events over real HTTP while writers append: every event once, in log order, across reconnects.</summary>
public sealed class LiveSubscriptionTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Ten_subscribers_receive_every_event_exactly_once_in_order_while_eight_writers_append()
    {
        // Given ten subscribers to the log, filtered to this test's category
        var category = "live" + Http.NewId();
        var subscribers = new List<SseClient>();
        for (var i = 0; i < 10; i++)
        {
            var (client, response) = await SseClient.OpenAsync(host.Client, $"/api/events/live?category={category}&afterPosition=0");
            Assert.True(client is not null, $"subscriber {i}: {response.StatusCode}");
            subscribers.Add(client);
        }

        // When eight writers append concurrently (480 events, some to one shared stream)
        var workload = new LiveWorkload(host.Client, category);
        var reading = subscribers.Select(s => s.ReadEventsAsync(480, Bound)).ToList();
        await workload.RunAsync(writers: 8, rounds: 20);
        var received = await Task.WhenAll(reading);

        // Then each got every event exactly once, in the log's order, the same order for all
        Assert.Equal(480, workload.Written.Count);
        foreach (var events in received)
        {
            Assert.DoesNotContain(events, e => e.IsClose);
            Assert.Equal(workload.Written.Order(), events.Select(Received.EventId).Order());
            Received.AreTheLogInOrderWithoutDuplicates(events);
            Assert.Equal(received[0].Select(e => e.Id), events.Select(e => e.Id));
        }

        foreach (var subscriber in subscribers)
        {
            await subscriber.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_subscriber_that_reconnects_with_Last_Event_ID_gets_no_gap_and_no_duplicate()
    {
        // Given a subscriber that read part of the log while writers append
        var category = "live" + Http.NewId();
        var workload = new LiveWorkload(host.Client, category);
        var (first, _) = await SseClient.OpenAsync(host.Client, $"/api/events/live?category={category}&afterPosition=0");
        var writing = workload.RunAsync(writers: 4, rounds: 25);
        var before = await first!.ReadEventsAsync(60, Bound);
        Assert.Equal(60, before.Count);

        // When it drops the connection and comes back later with the id of the last event it got
        await first.DisposeAsync();
        await writing;
        var (second, _) = await SseClient.OpenAsync(host.Client, $"/api/events/live?category={category}&afterPosition=0", lastEventId: before[^1].Id);
        var after = await second!.ReadEventsAsync(300 - 60, Bound);
        await second.DisposeAsync();

        // Then the two connections together delivered every event once, in order
        var all = before.Concat(after).ToList();
        Assert.Equal(workload.Written.Order(), all.Select(Received.EventId).Order());
        Received.AreTheLogInOrderWithoutDuplicates(all);
    }
}
