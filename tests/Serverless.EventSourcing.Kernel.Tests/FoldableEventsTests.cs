using Serverless.EventSourcing.Aggregates;

namespace Serverless.EventSourcing.Kernel.Tests;

/// <summary>Raw events for an aggregate's stream must be ones its load can fold: <see cref="AggregateRegistry.CheckFoldable"/>.</summary>
public class FoldableEventsTests
{
    private sealed record Opened(string Owner, string? Note);

    private sealed record Counted(long By, string Unit = "each");

    private sealed record Unrelated(int N);

    private sealed record CounterState(string Owner, long Count);

    private static AggregateRegistry Registry()
    {
        var events = new EventTypeRegistry()
            .Register<Opened>("opened")
            .Register<Counted>("counted", schemaVersion: 2)
            .Register<Unrelated>("unrelated")
            .Upcast("counted", 1, v1 => new System.Text.Json.Nodes.JsonObject { ["by"] = v1["amount"]!.GetValue<long>() });
        return new AggregateRegistry(events).Add(new AggregateDefinition<CounterState>("counter", new CounterState("", 0))
            .On<Opened>((s, e) => s with { Owner = e.Owner })
            .On<Counted>((s, e) => s with { Count = s.Count + e.By }));
    }

    private static EventData Event(string type, string data, int schemaVersion = 2) =>
        new(Guid.NewGuid(), type, data, EventMetadata.Empty with { SchemaVersion = schemaVersion });

    private static InvalidInputException Refused(string stream, params EventData[] events) =>
        Assert.Throws<InvalidInputException>(() => Registry().CheckFoldable(StreamId.Parse(stream), events));

    [Fact]
    public void Events_the_aggregate_folds_pass_whatever_their_optional_members()
    {
        Registry().CheckFoldable(StreamId.Parse("counter-1"), [
            Event("opened", """{"owner":"ada"}""", 1),
            Event("counted", """{"by":3}"""),
            Event("counted", """{"by":3,"unit":"box","extra":true}"""),
            Event("counted", """{"amount":4}""", 1), // upcast from version 1
        ]);
    }

    [Fact]
    public void A_stream_of_no_aggregate_takes_anything()
    {
        Registry().CheckFoldable(StreamId.Parse("note-1"), [Event("whatever", "[1,2]")]);
    }

    [Fact]
    public void An_unknown_type_or_one_the_aggregate_does_not_fold_names_the_field_and_the_types_it_holds()
    {
        var unknown = Refused("counter-1", Event("counted", """{"by":1}"""), Event("noted", "{}"));
        Assert.Equal("events[1].type", unknown.Field);
        Assert.Contains("counted, opened", unknown.Reason);

        Assert.Equal("events[0].type", Refused("counter-1", Event("unrelated", """{"n":1}""")).Field);
    }

    [Theory]
    [InlineData("""{"by":"lots"}""", 2)] // not a number
    [InlineData("""{"unit":"box"}""", 2)] // a required value missing: it would fold as 0
    [InlineData("""{"by":null}""", 2)]
    [InlineData("[1]", 2)] // not an object
    public void Data_that_does_not_read_as_the_type_is_refused(string data, int schemaVersion)
    {
        var refused = Refused("counter-1", Event("counted", data, schemaVersion));
        Assert.Equal("events[0].data", refused.Field);
        Assert.DoesNotContain("lots", refused.Reason); // the data itself is never echoed
    }

    [Fact]
    public void A_schema_version_newer_than_the_code_names_the_metadata_field()
    {
        var refused = Refused("counter-1", Event("counted", """{"by":1}""", 3));
        Assert.Equal("events[0].metadata.schemaVersion", refused.Field);
        Assert.Contains("version 2", refused.Reason);
    }

    [Fact]
    public void A_non_nullable_reference_member_may_not_be_null_or_missing()
    {
        Assert.Equal("events[0].data", Refused("counter-1", Event("opened", """{"owner":null}""", 1)).Field);
        Assert.Equal("events[0].data", Refused("counter-1", Event("opened", """{"note":"x"}""", 1)).Field);
    }

    [Fact]
    public void A_path_prefixes_the_field()
    {
        var refused = Assert.Throws<InvalidInputException>(() =>
            Registry().CheckFoldable(StreamId.Parse("counter-1"), [Event("noted", "{}")], "appends[2]"));
        Assert.Equal("appends[2].events[0].type", refused.Field);
    }
}
