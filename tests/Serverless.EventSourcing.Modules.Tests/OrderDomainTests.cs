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
        var id = OrdersHost.NewId();
        Assert.Equal(HttpStatusCode.OK, (await host.CommandAsync(id, "create", new { customer = "Ada" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.CommandAsync(id, "add-item", new { sku = "book", quantity = 2, unitPrice = 1500 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.CommandAsync(id, "add-item", new { sku = "pen", quantity = 1, unitPrice = 200 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.CommandAsync(id, "change-status", new { status = "shipped" })).StatusCode);

        var late = await host.CommandAsync(id, "add-item", new { sku = "lamp", quantity = 1, unitPrice = 900 });
        var cancel = await host.CommandAsync(id, "cancel", new { reason = "changed my mind" });
        var bad = await host.CommandAsync(id, "change-status", new { status = "lost" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, late.StatusCode);
        Assert.Contains("order_shipped", await late.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var state = JsonDocument.Parse(await host.Client.GetStringAsync($"/api/aggregates/order/{id}")).RootElement.GetProperty("state");
        Assert.Equal(("shipped", 2), (state.GetProperty("status").GetString(), state.GetProperty("lines").GetArrayLength()));
        var summary = await host.EventuallyAsync($"/api/read/orders/{id}", s => s.GetProperty("status").GetString() == "shipped");
        Assert.Equal((3L, 3200L), (summary.GetProperty("items").GetInt64(), summary.GetProperty("total").GetInt64()));
    }

    [Fact]
    public async Task The_fulfilment_saga_pays_and_ships_and_an_empty_order_is_compensated_by_cancelling_it()
    {
        var full = OrdersHost.NewId();
        var empty = OrdersHost.NewId();
        await host.CommandAsync(full, "create", new { customer = "Bo" });
        await host.CommandAsync(full, "add-item", new { sku = "chair", quantity = 1, unitPrice = 4000 });
        await host.CommandAsync(empty, "create", new { customer = "Cy" });

        var shipped = await StartAsync(full);
        var cancelled = await StartAsync(empty);

        Assert.Equal("completed", (await host.EventuallyAsync(shipped, s => Finished(s))).GetProperty("status").GetString());
        Assert.Equal("compensated", (await host.EventuallyAsync(cancelled, s => Finished(s))).GetProperty("status").GetString());
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
        var id = OrdersHost.NewId();
        Assert.Equal(HttpStatusCode.OK, (await host.CommandAsync(id, "create", new { customer = "Di" })).StatusCode);
        var metadata = JsonDocument.Parse(await host.Client.GetStringAsync($"/api/streams/order-{id}/events")).RootElement.GetProperty("events")[0].GetProperty("metadata");
        Assert.False(metadata.TryGetProperty("principal", out _), "nobody is known on an open API, so no principal is recorded");
    }

    private async Task<string> StartAsync(string orderId)
    {
        var response = await host.Client.PostAsync("/api/sagas/fulfilment", new StringContent(JsonSerializer.Serialize(new { orderId }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    private static bool Finished(JsonElement saga) => saga.GetProperty("status").GetString() is "completed" or "compensated" or "failed_needs_attention";
}
