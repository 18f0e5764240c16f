namespace Serverless.EventSourcing.Kernel.Tests;

public class AppendValidatorTests
{
    private static readonly EventStoreLimits Limits = new() { MaxEventBytes = 1024, MaxEventsPerAppend = 3 };

    private static EventData Event(string type = "Deposited", string data = "{\"amount\":1}") => new(type, data);

    [Fact]
    public void A_well_formed_batch_passes() => AppendValidator.Validate([Event(), Event()], Limits);

    [Fact]
    public void An_empty_batch_is_rejected() =>
        Assert.Equal("events", Assert.Throws<InvalidInputException>(() => AppendValidator.Validate([], Limits)).Field);

    [Fact]
    public void Too_many_events_are_rejected() =>
        Assert.Equal("events", Assert.Throws<InvalidInputException>(() => AppendValidator.Validate([Event(), Event(), Event(), Event()], Limits)).Field);

    [Theory]
    [InlineData("")]
    [InlineData("9lives")]
    [InlineData("has space")]
    public void A_bad_type_is_rejected(string type) =>
        Assert.Equal("events[1].type", Assert.Throws<InvalidInputException>(() => AppendValidator.Validate([Event(), Event(type)], Limits)).Field);

    [Theory]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("{\"a\":1} trailing")]
    public void Data_that_is_not_json_is_rejected(string data) =>
        Assert.Equal("events[0].data", Assert.Throws<InvalidInputException>(() => AppendValidator.Validate([Event(data: data)], Limits)).Field);

    [Fact]
    public void An_oversized_event_is_rejected()
    {
        var big = $"{{\"blob\":\"{new string('x', 2000)}\"}}";

        var error = Assert.Throws<InvalidInputException>(() => AppendValidator.Validate([Event(data: big)], Limits));

        Assert.Equal("events[0]", error.Field);
        Assert.Contains("limit", error.Reason);
    }

    [Fact]
    public void The_same_event_id_twice_in_one_batch_is_rejected()
    {
        var e = Event();

        Assert.Equal("events[1].eventId", Assert.Throws<InvalidInputException>(() => AppendValidator.Validate([e, e], Limits)).Field);
    }

    // Built at run time: xUnit would serialize the raw unpaired surrogate of the last case as U+FFFD.
    public static TheoryData<string, string> Unstorable => new()
    {
        { "{\"owner\":\"\\u0000x\"}", "events[0].data.owner" },
        { "{\"x\":[\"\\ud800\"]}", "events[0].data.x[0]" },
        { "{\"x\":\"\ud800\"}", "events[0].data" },
    };

    [Theory]
    [MemberData(nameof(Unstorable), DisableDiscoveryEnumeration = true)]
    public void Data_holding_text_postgres_cannot_store_is_rejected_naming_where(string data, string field) =>
        Assert.Equal(field, Assert.Throws<InvalidInputException>(() => AppendValidator.Validate([Event(data: data)], Limits)).Field);

    [Fact]
    public void Metadata_holding_a_nul_is_rejected_naming_the_member()
    {
        var e = new EventData(Guid.NewGuid(), "Deposited", "{}", new EventMetadata { CorrelationId = "c\0" });

        Assert.Equal("events[0].metadata.correlationId", Assert.Throws<InvalidInputException>(() => AppendValidator.Validate([e], Limits)).Field);
    }
}
