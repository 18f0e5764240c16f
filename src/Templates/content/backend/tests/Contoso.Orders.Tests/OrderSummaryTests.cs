using System.Text.Json;
using Contoso.Orders.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Client;
using Serverless.EventSourcing.LocalHost;
using Serverless.EventSourcing.TestKit.Servers;
using Xunit;

namespace Contoso.Orders.Tests;

/// <summary>
/// The projection and read route on real PostgreSQL: the local host runs in-process on a throwaway cluster (initdb on a
/// free port; needs the PostgreSQL server binaries, or POSTGRES_CONNECTION_STRING pointing at a server), called through
/// the typed client as a front end would call it.
/// </summary>
public sealed class OrderSummaryTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private WebApplication? _app;
    private HttpClient _http = null!;
    private EventSourcingClient _client = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = LocalHostApp.Build([], [new OrderModule()], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Postgres:ConnectionString"] = _database.ConnectionString,
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
        _client = new EventSourcingClient(_http);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task An_order_and_its_items_show_in_its_summary()
    {
        await _client.ExecuteAsync(OrderAggregate.Category, "1", "create", new { customer = "Ada" });
        var added = await _client.ExecuteAsync(OrderAggregate.Category, "1", "add-item", new { sku = "book", quantity = 2, unitPrice = 1500 });
        Assert.Equal(2, added.Version);

        // The read model follows the log: ask until the projection has applied both events.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement summary = default;
        while (summary.ValueKind != JsonValueKind.Object || summary.GetProperty("total").GetInt64() != 3000)
        {
            Assert.True(DateTime.UtcNow < deadline, "the summary did not show the order within 30 s");
            await Task.Delay(100);
            try
            {
                summary = await _client.ReadModelAsync<JsonElement>("orders/1");
            }
            catch (NotFoundException)
            {
                // not projected yet
            }
        }

        Assert.Equal(("Ada", 2L), (summary.GetProperty("customer").GetString(), summary.GetProperty("items").GetInt64()));
    }

    [Fact]
    public async Task A_rule_refusal_is_a_typed_exception()
    {
        await _client.ExecuteAsync(OrderAggregate.Category, "2", "create", new { customer = "Bo" });

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => _client.ExecuteAsync(OrderAggregate.Category, "2", "change-status", new { status = OrderState.Shipped }));

        Assert.Equal(OrderAggregate.Empty, refused.RuleCode);
    }
}
