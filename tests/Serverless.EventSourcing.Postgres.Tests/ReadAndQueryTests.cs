namespace Serverless.EventSourcing.Postgres.Tests;

public class ReadAndQueryTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task Reads_a_stream_forward_and_backward_in_pages()
    {
        var stream = StoreFixture.NewStream();
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, Enumerable.Range(1, 7).Select(i => StoreFixture.Event(amount: i)).ToList());

        var first = await db.Store.ReadStreamAsync(stream, 1, 3);
        var second = await db.Store.ReadStreamAsync(stream, first.NextVersion!.Value, 3);
        var last = await db.Store.ReadStreamAsync(stream, second.NextVersion!.Value, 3);
        var backward = await db.Store.ReadStreamAsync(stream, 0, 3, ReadDirection.Backward);

        Assert.Equal([1L, 2, 3], first.Events.Select(e => e.StreamVersion));
        Assert.Equal([4L, 5, 6], second.Events.Select(e => e.StreamVersion));
        Assert.Equal([7L], last.Events.Select(e => e.StreamVersion));
        Assert.Null(last.NextVersion);
        Assert.Equal([7L, 6, 5], backward.Events.Select(e => e.StreamVersion));
        Assert.Equal(4, backward.NextVersion);
        Assert.Equal(7, first.Version);
    }

    [Fact]
    public async Task Envelopes_carry_everything_that_was_appended()
    {
        var stream = StoreFixture.NewStream();
        var e = new EventData(Guid.NewGuid(), "Opened", "{\"owner\":\"ada\"}", new EventMetadata { CorrelationId = "c-1", CausationId = "cmd-1", UserId = "u-9", SchemaVersion = 2 });

        var result = await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [e]);
        var read = Assert.Single((await db.Store.ReadStreamAsync(stream, 1, 10)).Events);

        Assert.Equal(e.EventId, read.EventId);
        Assert.Equal("account", read.Category);
        Assert.Equal("Opened", read.Type);
        Assert.Equal(1, read.StreamVersion);
        Assert.Equal(result.Positions[0], read.GlobalPosition);
        Assert.Equal(2, read.SchemaVersion);
        Assert.Equal("c-1", read.CorrelationId);
        Assert.Equal(new EventMetadata { CorrelationId = "c-1", CausationId = "cmd-1", UserId = "u-9", SchemaVersion = 2 }, read.Metadata with { Extra = null });
        Assert.True(read.CreatedAt > DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task A_missing_stream_reads_as_not_found()
    {
        var slice = await db.Store.ReadStreamAsync(StoreFixture.NewStream(), 1, 10);

        Assert.Equal(StreamStatus.NotFound, slice.Status);
        Assert.Empty(slice.Events);
    }

    [Fact]
    public async Task Queries_filter_by_category_type_correlation_and_time_with_keyset_paging()
    {
        var category = "q" + Guid.NewGuid().ToString("N")[..8];
        var correlation = Guid.NewGuid().ToString();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 5; i++)
        {
            await db.Store.AppendAsync(StoreFixture.NewStream(category), ExpectedVersion.NoStream,
                [StoreFixture.Event("Opened", correlationId: correlation), StoreFixture.Event("Deposited", correlationId: i % 2 == 0 ? correlation : null)]);
        }

        var byCategory = await PageAllAsync(new EventQuery { Category = category, Limit = 3 });
        var byType = await PageAllAsync(new EventQuery { Category = category, EventTypes = ["Deposited"], Limit = 2 });
        var byCorrelation = await PageAllAsync(new EventQuery { CorrelationId = correlation, Limit = 4 });
        var inRange = await PageAllAsync(new EventQuery { Category = category, From = before, To = DateTimeOffset.UtcNow.AddSeconds(1) });
        var future = await PageAllAsync(new EventQuery { Category = category, From = DateTimeOffset.UtcNow.AddHours(1) });

        Assert.Equal(10, byCategory.Count);
        Assert.True(byCategory.Select(e => e.GlobalPosition).SequenceEqual(byCategory.Select(e => e.GlobalPosition).Order()));
        Assert.Equal(5, byType.Count);
        Assert.All(byType, e => Assert.Equal("Deposited", e.Type));
        Assert.Equal(8, byCorrelation.Count);
        Assert.Equal(10, inRange.Count);
        Assert.Empty(future);
    }

    [Fact]
    public async Task Tombstoned_streams_refuse_appends_and_read_as_deleted()
    {
        var stream = StoreFixture.NewStream();
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [StoreFixture.Event()]);

        await Assert.ThrowsAsync<WrongExpectedVersionException>(() => db.Store.TombstoneAsync(stream, ExpectedVersion.Exactly(5)));
        var info = await db.Store.TombstoneAsync(stream, ExpectedVersion.Exactly(1));

        Assert.True(info.IsDeleted);
        await Assert.ThrowsAsync<StreamDeletedException>(() => db.Store.AppendAsync(stream, ExpectedVersion.Any, [StoreFixture.Event()]));
        await Assert.ThrowsAsync<StreamDeletedException>(() => db.Store.TombstoneAsync(stream, ExpectedVersion.Any));
        await Assert.ThrowsAsync<StreamNotFoundException>(() => db.Store.TombstoneAsync(StoreFixture.NewStream(), ExpectedVersion.Any));
        Assert.Equal(StreamStatus.Deleted, (await db.Store.ReadStreamAsync(stream, 1, 10)).Status);
        Assert.Equal(1L, await db.ScalarAsync<long>("select count(*) from es_events where stream_id = $1", stream.Value));
    }

    [Fact]
    public async Task Stream_exists_and_no_stream_are_enforced()
    {
        var stream = StoreFixture.NewStream();

        var missing = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => db.Store.AppendAsync(stream, ExpectedVersion.StreamExists, [StoreFixture.Event()]));
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [StoreFixture.Event()]);
        var exists = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [StoreFixture.Event()]));
        var ok = await db.Store.AppendAsync(stream, ExpectedVersion.StreamExists, [StoreFixture.Event()]);

        Assert.Equal(0, missing.CurrentVersion);
        Assert.Equal(1, exists.CurrentVersion);
        Assert.Equal(2, ok.NextExpectedVersion);
    }

    private async Task<List<EventEnvelope>> PageAllAsync(EventQuery query)
    {
        var all = new List<EventEnvelope>();
        while (true)
        {
            var page = await db.Store.QueryAsync(query);
            all.AddRange(page.Events);
            if (page.NextAfterPosition is not { } next)
            {
                return all;
            }

            query = query with { AfterPosition = next };
        }
    }
}
