namespace Serverless.EventSourcing.Postgres.Tests;

public class BadInputTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    public static TheoryData<string, string> BadBatches => new()
    {
        { "empty", "events" },
        { "missing type", "events[0].type" },
        { "bad type", "events[0].type" },
        { "not json", "events[0].data" },
        { "oversized", "events[0]" },
        { "too many", "events" },
        { "empty id", "events[0].eventId" },
    };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public async Task A_bad_append_is_rejected_naming_the_field_and_writes_nothing(string kind, string field)
    {
        var stream = StoreFixture.NewStream();
        IReadOnlyList<EventData> batch = kind switch
        {
            "empty" => [],
            "missing type" => [new EventData("", "{}")],
            "bad type" => [new EventData("no spaces allowed", "{}")],
            "not json" => [new EventData("Deposited", "{amount: 1")],
            "oversized" => [new EventData("Deposited", $"{{\"x\":\"{new string('x', 5000)}\"}}")],
            "too many" => Enumerable.Range(0, 51).Select(_ => StoreFixture.Event()).ToList(),
            "empty id" => [new EventData(Guid.Empty, "Deposited", "{}", EventMetadata.Empty)],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => db.Store.AppendAsync(stream, ExpectedVersion.Any, batch));

        Assert.Equal(field, error.Field);
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from es_events where stream_id = $1", stream.Value));
        Assert.Null(await db.Store.GetStreamAsync(stream));
    }

    [Fact]
    public async Task An_invalid_event_anywhere_in_a_batch_rejects_the_whole_batch()
    {
        var stream = StoreFixture.NewStream();

        await Assert.ThrowsAsync<InvalidInputException>(() =>
            db.Store.AppendAsync(stream, ExpectedVersion.Any, [StoreFixture.Event(), StoreFixture.Event(), new EventData("Deposited", "nope")]));

        Assert.Null(await db.Store.GetStreamAsync(stream));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10_001)]
    public async Task Read_limits_out_of_range_are_rejected(int limit)
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => db.Store.ReadStreamAsync(StoreFixture.NewStream(), 1, limit));

        Assert.Equal("limit", error.Field);
    }

    [Fact]
    public async Task A_conflict_changes_nothing()
    {
        var stream = StoreFixture.NewStream();
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [StoreFixture.Event()]);

        await Assert.ThrowsAsync<WrongExpectedVersionException>(() =>
            db.Store.AppendAsync(stream, ExpectedVersion.Exactly(0), [StoreFixture.Event(), StoreFixture.Event()]));

        Assert.Equal(1, (await db.Store.GetStreamAsync(stream))!.Version);
        Assert.Equal(1L, await db.ScalarAsync<long>("select count(*) from es_events where stream_id = $1", stream.Value));
    }
}
