namespace Serverless.EventSourcing.Postgres.Tests;

/// <summary>Starting the gap-safe log from a global position (live subscriptions' afterPosition): nothing above it is skipped.</summary>
public class LogStartTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task An_event_above_the_position_whose_transaction_is_still_running_is_delivered_once_it_commits()
    {
        // Given a position P, a writer above it that has not committed, and a later writer that has
        var marker = await db.Store.AppendAsync(StoreFixture.NewStream(), ExpectedVersion.NoStream, [StoreFixture.Event()]);
        var position = marker.Positions[0];
        var slow = StoreFixture.NewStream();
        var fast = StoreFixture.NewStream();
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await db.Store.AppendAsync(tx, slow, ExpectedVersion.NoStream, [StoreFixture.Event()]);
        await db.Store.AppendAsync(fast, ExpectedVersion.NoStream, [StoreFixture.Event()]);

        // When a reader starts after P (the committed writer's transaction is the oldest visible above it) and the slow one commits
        var start = await db.Store.LogStartAfterAsync(position);
        await tx.CommitAsync();
        var seen = await ReadAboveAsync(start, s => s.Any(e => e.StreamId == slow.Value) && s.Any(e => e.StreamId == fast.Value));

        // Then both are delivered, once each, and nothing at or below P
        Assert.Equal(position, start.AfterPosition);
        Assert.Single(seen, e => e.StreamId == slow.Value);
        Assert.Single(seen, e => e.StreamId == fast.Value);
        Assert.All(seen, e => Assert.True(e.GlobalPosition > position));
    }

    [Fact]
    public async Task Without_a_position_the_start_is_now()
    {
        var old = StoreFixture.NewStream();
        await db.Store.AppendAsync(old, ExpectedVersion.NoStream, [StoreFixture.Event()]);

        var start = await db.Store.LogStartAfterAsync(null);
        var fresh = StoreFixture.NewStream();
        await db.Store.AppendAsync(fresh, ExpectedVersion.NoStream, [StoreFixture.Event()]);
        var seen = await ReadAboveAsync(start, s => s.Any(e => e.StreamId == fresh.Value));

        Assert.Single(seen, e => e.StreamId == fresh.Value);
        Assert.DoesNotContain(seen, e => e.StreamId == old.Value);
    }

    /// <summary>Reads from the start as a live subscriber does (dropping what is at or below the position) until done; the bound only stops a broken run.</summary>
    private async Task<List<EventEnvelope>> ReadAboveAsync(LogStart start, Func<List<EventEnvelope>, bool> done)
    {
        var seen = new List<EventEnvelope>();
        var cursor = start.Cursor;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var slice = await db.Store.ReadLogAsync(cursor, 100);
            seen.AddRange(slice.Events.Where(e => e.GlobalPosition > start.AfterPosition));
            cursor = slice.Next;
            if (slice.Events.Count == 0 && (done(seen) || bound.IsCancellationRequested))
            {
                return seen;
            }

            if (slice.Events.Count == 0)
            {
                await Task.Delay(20);
            }
        }
    }
}
