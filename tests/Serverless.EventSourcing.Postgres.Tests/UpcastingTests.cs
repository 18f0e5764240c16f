using System.Text.Json.Nodes;

namespace Serverless.EventSourcing.Postgres.Tests;

public class UpcastingTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    private sealed record CustomerRegistered(string FullName, string Country);

    [Fact]
    public async Task An_event_stored_as_v1_is_read_as_v2()
    {
        // Given an event written by older code, at schema version 1
        var stream = StoreFixture.NewStream("customer");
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream,
            [new EventData("customer.registered", "{\"first\":\"Grace\",\"last\":\"Hopper\"}", new EventMetadata { SchemaVersion = 1 })]);

        // When today's code, which writes v2, reads it
        var registry = new EventTypeRegistry()
            .Register<CustomerRegistered>("customer.registered", schemaVersion: 2)
            .Upcast("customer.registered", 1, v1 => new JsonObject
            {
                ["fullName"] = $"{v1["first"]} {v1["last"]}",
                ["country"] = "unknown",
            });
        var stored = Assert.Single((await db.Store.ReadStreamAsync(stream, 1, 10)).Events);

        // Then it comes out in the v2 shape, and the stored bytes are untouched
        Assert.Equal(new CustomerRegistered("Grace Hopper", "unknown"), registry.Deserialize(stored));
        Assert.Equal(1, stored.SchemaVersion);
        Assert.Contains("Grace", stored.Data);
    }
}
