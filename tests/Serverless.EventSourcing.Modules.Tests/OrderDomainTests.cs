using Serverless.EventSourcing.Client;

namespace Serverless.EventSourcing.Modules.Tests;

/// <summary>
/// A domain the framework has never seen, defined only in this test project and registered into the local host
/// through the public extension points, works end to end over HTTP: commands and rules, its projection and read
/// route, its saga with compensation. The bank is not registered, so its routes are not there.
/// </summary>
public sealed class OrderDomainTests(OrdersHost host) : IClassFixture<OrdersHost>
{
    [Fact]
    public async Task An_order_takes_commands_enforces_its_rules_and_shows_in_its_read_model()
    {
        // Through the typed client, as a team's front end or service would call its own domain.
        var client = new EventSourcingClient(host.Client);
        var id = OrdersHost.NewId();
        await client.ExecuteAsync("order", id, "create", new { customer = "Ada" });
        await client.ExecuteAsync("order", id, "add-item", new { sku = "book", quantity = 2, unitPrice = 1500 });
        await client.ExecuteAsync("order", id, "add-item", new { sku = "pen", quantity = 1, unitPrice = 200 });
        var shipped = await client.ExecuteAsync("order", id, "change-status", new { status = "shipped" });

        var late = await Assert.ThrowsAsync<RuleViolationException>(() => client.ExecuteAsync("order", id, "add-item", new { sku = "lamp", quantity = 1, unitPrice = 900 }));
        var cancel = await Assert.ThrowsAsync<RuleViolationException>(() => client.ExecuteAsync("order", id, "cancel", new { reason = "changed my mind" }));
        var bad = await Assert.ThrowsAsync<InvalidRequestException>(() => client.ExecuteAsync("order", id, "change-status", new { status = "lost" }));

        Assert.Equal(4, shipped.Version);
        Assert.Equal(("order_shipped", "order_shipped", "status"), (late.RuleCode, cancel.RuleCode, bad.Field));
        var state = (await client.GetAggregateAsync<JsonElement>("order", id)).State;
        Assert.Equal(("shipped", 2), (state.GetProperty("status").GetString(), state.GetProperty("lines").GetArrayLength()));
        var summary = await host.EventuallyAsync($"/api/read/orders/{id}", s => s.GetProperty("status").GetString() == "shipped");
        Assert.Equal((3L, 3200L), (summary.GetProperty("items").GetInt64(), summary.GetProperty("total").GetInt64()));
    }

    [Fact]
    public async Task The_fulfilment_saga_pays_and_ships_and_an_empty_order_is_compensated_by_cancelling_it()
    {
        var client = new EventSourcingClient(host.Client);
        var full = OrdersHost.NewId();
        var empty = OrdersHost.NewId();
        await client.ExecuteAsync("order", full, "create", new { customer = "Bo" });
        await client.ExecuteAsync("order", full, "add-item", new { sku = "chair", quantity = 1, unitPrice = 4000 });
        await client.ExecuteAsync("order", empty, "create", new { customer = "Cy" });

        var shipped = await client.StartSagaAsync("fulfilment", new { orderId = full });
        var cancelled = await client.StartSagaAsync("fulfilment", new { orderId = empty });

        Assert.Equal("completed", (await FinishedAsync(client, shipped.SagaId)).Status);
        Assert.Equal("compensated", (await FinishedAsync(client, cancelled.SagaId)).Status);
        await host.EventuallyAsync($"/api/read/orders/{full}", s => s.GetProperty("status").GetString() == "shipped");
        await host.EventuallyAsync($"/api/read/orders/{empty}", s => s.GetProperty("status").GetString() == "cancelled");
    }

    [Fact]
    public async Task Only_the_registered_domains_are_served()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.PostAsync($"/api/aggregates/account/{OrdersHost.NewId()}/commands/open", new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/api/read/accounts/1")).StatusCode);
        var projections = JsonDocument.Parse(await host.Client.GetStringAsync("/api/projections")).RootElement.GetProperty("projections");
        Assert.Equal(["order-summaries"], projections.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task With_no_key_and_no_token_authority_the_API_is_open_and_ready_says_so_to_anyone()
    {
        var ready = JsonDocument.Parse(await host.Client.GetStringAsync("/api/ready")).RootElement;
        Assert.Equal("open", ready.GetProperty("authentication").GetString());
        Assert.Contains(host.Logs.Lines, line => line.StartsWith("Warning ", StringComparison.Ordinal) && line.Contains("The API is open", StringComparison.Ordinal));
        var id = OrdersHost.NewId();
        Assert.Equal(HttpStatusCode.OK, (await host.CommandAsync(id, "create", new { customer = "Di" })).StatusCode);
        var metadata = JsonDocument.Parse(await host.Client.GetStringAsync($"/api/streams/order-{id}/events")).RootElement.GetProperty("events")[0].GetProperty("metadata");
        Assert.False(metadata.TryGetProperty("principal", out _), "nobody is known on an open API, so no principal is recorded");
    }

    private static async Task<SagaStatus> FinishedAsync(EventSourcingClient client, Guid sagaId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var status = await client.GetSagaAsync("fulfilment", sagaId);
            if (status.IsFinished)
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"saga {sagaId} still {status.Status} after 30 s");
            await Task.Delay(100);
        }
    }
}
