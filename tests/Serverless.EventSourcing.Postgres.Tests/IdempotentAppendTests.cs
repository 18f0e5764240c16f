namespace Serverless.EventSourcing.Postgres.Tests;

public class IdempotentAppendTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    public static TheoryData<string> Modes => new() { "exact", "no_stream", "any", "stream_exists" };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Retrying_after_a_lost_response_returns_the_first_result_without_duplicating(string mode)
    {
        var stream = StoreFixture.NewStream();
        var expectedVersion = mode;
        if (mode is "exact" or "stream_exists")
        {
            await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [StoreFixture.Event()]);
            expectedVersion = mode == "exact" ? "1" : mode;
        }

        var expected = ExpectedVersion.Parse(expectedVersion);
        var batch = new[] { StoreFixture.Event(amount: 5), StoreFixture.Event(amount: 6) };

        // The first response is "lost": the client never sees it and sends the same request again.
        var first = await db.Store.AppendAsync(stream, expected, batch);
        var retry = await db.Store.AppendAsync(stream, expected, batch);

        Assert.False(first.WasDuplicate);
        Assert.True(retry.WasDuplicate);
        Assert.Equal(first.Positions, retry.Positions);
        Assert.Equal(first.NextExpectedVersion, retry.NextExpectedVersion);
        var count = await db.ScalarAsync<long>("select count(*) from es_events where stream_id = $1", stream.Value);
        Assert.Equal(first.NextExpectedVersion, count);
    }

    [Fact]
    public async Task A_retry_after_others_appended_is_still_recognised_with_an_exact_version()
    {
        var stream = StoreFixture.NewStream();
        var batch = new[] { StoreFixture.Event() };
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, batch);
        await db.Store.AppendAsync(stream, ExpectedVersion.Exactly(1), [StoreFixture.Event()]);

        var retry = await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, batch);

        Assert.True(retry.WasDuplicate);
        Assert.Equal(1, retry.NextExpectedVersion);
    }

    [Fact]
    public async Task Reusing_ids_at_another_position_is_a_duplicate_error_and_writes_nothing()
    {
        var stream = StoreFixture.NewStream();
        var a = StoreFixture.Event();
        var b = StoreFixture.Event();
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [a, b]);

        var partial = await Assert.ThrowsAsync<DuplicateEventIdException>(() =>
            db.Store.AppendAsync(stream, ExpectedVersion.Any, [b, StoreFixture.Event()]));
        var wrongPosition = await Assert.ThrowsAsync<DuplicateEventIdException>(() =>
            db.Store.AppendAsync(stream, ExpectedVersion.Exactly(1), [a, b]));
        await Assert.ThrowsAsync<DuplicateEventIdException>(() =>
            db.Store.AppendAsync(StoreFixture.NewStream(), ExpectedVersion.Any, [a]));
        await Assert.ThrowsAsync<DuplicateEventIdException>(() =>
            db.Store.AppendAsync(stream, ExpectedVersion.Exactly(2), [a]));
        // Every id is in the stream, but not in the order given: not a retry of that append.
        await Assert.ThrowsAsync<DuplicateEventIdException>(() =>
            db.Store.AppendAsync(stream, ExpectedVersion.Any, [b, a]));

        Assert.Equal(2, partial.CurrentVersion);
        Assert.Equal(2, wrongPosition.CurrentVersion);
        Assert.Equal(2L, await db.ScalarAsync<long>("select count(*) from es_events where stream_id = $1", stream.Value));
    }

    [Fact]
    public async Task Concurrent_retries_of_the_same_append_write_it_once()
    {
        var stream = StoreFixture.NewStream();
        var batch = new[] { StoreFixture.Event(), StoreFixture.Event() };

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => db.Store.AppendAsync(stream, ExpectedVersion.Any, batch))));

        Assert.Single(results, r => !r.WasDuplicate);
        Assert.All(results, r => Assert.Equal(2, r.NextExpectedVersion));
        Assert.Equal(2L, await db.ScalarAsync<long>("select count(*) from es_events where stream_id = $1", stream.Value));
    }
}
