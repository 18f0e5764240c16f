using System.Collections.Concurrent;

namespace Serverless.EventSourcing.LocalHost.Tests.Live;

/// <summary>Writers appending concurrently to their own streams and to one shared stream, remembering every event id they wrote.</summary>
public sealed class LiveWorkload(HttpClient client, string category)
{
    public ConcurrentBag<Guid> Written { get; } = [];

    public async Task RunAsync(int writers, int rounds)
    {
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            for (var r = 0; r < rounds; r++)
            {
                await AppendAsync($"{category}-w{w}", 2);
                await AppendAsync($"{category}-shared", 1);
            }
        }));
    }

    private async Task AppendAsync(string stream, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();
        var response = await client.PostAsync($"/api/streams/{stream}/events", Http.Json(new { events = ids.Select(id => new { eventId = id, type = "tick", data = new { id } }) }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        foreach (var id in ids)
        {
            Written.Add(id);
        }
    }
}

/// <summary>What a subscriber received, checked against the log's rules.</summary>
public static class Received
{
    public static void AreTheLogInOrderWithoutDuplicates(IReadOnlyList<SseMessage> events)
    {
        // Ids are the gap-safe cursor (transaction id, position): strictly increasing.
        var cursors = events.Select(e => e.Id!.Split(':')).Select(p => (ulong.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        for (var i = 1; i < cursors.Count; i++)
        {
            Assert.True(cursors[i].CompareTo(cursors[i - 1]) > 0, $"event {i} ({events[i].Id}) is not after {events[i - 1].Id}");
        }

        Assert.Equal(events.Count, events.Select(EventId).Distinct().Count());

        // Each stream's versions arrive 1, 2, 3, ... with none missing.
        foreach (var stream in events.GroupBy(e => e.Json.GetProperty("streamId").GetString()))
        {
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.Select(e => e.Json.GetProperty("streamVersion").GetInt64()));
        }
    }

    public static Guid EventId(SseMessage message) => message.Json.GetProperty("eventId").GetGuid();
}
