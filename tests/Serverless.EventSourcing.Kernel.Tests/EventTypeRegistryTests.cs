using System.Text.Json.Nodes;

namespace Serverless.EventSourcing.Kernel.Tests;

public class EventTypeRegistryTests
{
    private sealed record Renamed(string FullName, int Age);

    private static EventEnvelope Stored(string type, string data, int schemaVersion) =>
        new(Guid.NewGuid(), "person-1", "person", type, 1, 1, data, "{}", schemaVersion, null, DateTimeOffset.UtcNow);

    [Fact]
    public void Writes_the_stable_name_and_current_schema_version()
    {
        var registry = new EventTypeRegistry().Register<Renamed>("person.renamed", schemaVersion: 3);

        var data = registry.ToEventData(new Renamed("Ada", 36), EventMetadata.Empty);

        Assert.Equal("person.renamed", data.Type);
        Assert.Equal(3, data.Metadata.SchemaVersion);
        Assert.Contains("\"fullName\":\"Ada\"", data.Data);
    }

    [Fact]
    public void Upcasts_through_every_step_of_the_chain()
    {
        var registry = new EventTypeRegistry()
            .Register<Renamed>("person.renamed", schemaVersion: 3)
            .Upcast("person.renamed", 1, v1 => new JsonObject { ["name"] = v1["first"]!.GetValue<string>() + " " + v1["last"]!.GetValue<string>() })
            .Upcast("person.renamed", 2, v2 => new JsonObject { ["fullName"] = v2["name"]!.GetValue<string>(), ["age"] = 0 });

        var read = registry.Deserialize(Stored("person.renamed", "{\"first\":\"Ada\",\"last\":\"Lovelace\"}", 1));

        Assert.Equal(new Renamed("Ada Lovelace", 0), read);
    }

    [Fact]
    public void A_missing_step_is_an_error_not_a_misread()
    {
        var registry = new EventTypeRegistry().Register<Renamed>("person.renamed", schemaVersion: 2);

        var error = Assert.Throws<InvalidOperationException>(() => registry.Deserialize(Stored("person.renamed", "{}", 1)));

        Assert.Contains("no upcaster from version 1", error.Message);
    }

    [Fact]
    public void A_newer_schema_than_the_code_knows_is_refused()
    {
        var registry = new EventTypeRegistry().Register<Renamed>("person.renamed");

        Assert.Throws<InvalidOperationException>(() => registry.Deserialize(Stored("person.renamed", "{}", 2)));
    }

    [Fact]
    public void Registering_a_name_twice_fails() =>
        Assert.Throws<InvalidOperationException>(() => new EventTypeRegistry().Register<Renamed>("a").Register<Renamed>("b"));
}
