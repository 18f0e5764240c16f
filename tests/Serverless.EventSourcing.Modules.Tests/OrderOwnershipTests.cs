using System.Net.Http.Headers;
using Serverless.EventSourcing.Modules.Tests.Orders;

namespace Serverless.EventSourcing.Modules.Tests;

/// <summary>The order module served with bearer tokens on: shoppers are limited to owned orders, clerks are not.</summary>
public sealed class SecuredOrdersHost : OrdersHost
{
    public OidcIssuer Issuer { get; private set; } = null!;

    public HttpClient As(string subject, string role, string? customer = null)
    {
        var token = Issuer.Token(subject, [role], customer is null ? null : new Dictionary<string, object> { [OrderAggregate.CustomerClaim] = customer });
        var client = new HttpClient { BaseAddress = Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override async Task<IDictionary<string, string?>> ExtraSettingsAsync()
    {
        Issuer = await OidcIssuer.GetSharedAsync();
        return new Dictionary<string, string?>
        {
            ["Auth:Authority"] = Issuer.Issuer,
            ["Auth:Audiences"] = OidcIssuer.Audience,
            ["Auth:RequireHttpsMetadata"] = "false",
            ["Auth:Roles:shopper"] = "read:order@own execute:order@own",
            ["Auth:Roles:clerk"] = "read:order execute:order",
        };
    }
}

/// <summary>
/// The second ownership rule, the order domain's own: an order belongs to the customer named by the token's
/// <c>customer_id</c> claim (not its subject), checked on the locked state for commands and on the current state for reads.
/// </summary>
public sealed class OrderOwnershipTests(SecuredOrdersHost host) : IClassFixture<SecuredOrdersHost>
{
    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_shopper_places_and_reads_only_its_own_customers_orders_while_a_clerk_serves_any()
    {
        using var ada = host.As("login-ada", "shopper", customer: "c-ada");
        using var bo = host.As("login-bo", "shopper", customer: "c-bo");
        using var clerk = host.As("clerk-1", "clerk");
        var id = OrdersHost.NewId();

        // A shopper creates an order only for its own customer
        Assert.Equal(HttpStatusCode.NotFound, (await ada.PostAsync($"/api/aggregates/order/{id}/commands/create", Json(new { customer = "c-bo" }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ada.PostAsync($"/api/aggregates/order/{id}/commands/create", Json(new { customer = "c-ada" }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ada.PostAsync($"/api/aggregates/order/{id}/commands/add-item", Json(new { sku = "book", quantity = 1, unitPrice = 1000 }))).StatusCode);

        // Another customer's shopper finds no such order, by command, state, stream or read model
        Assert.Equal(HttpStatusCode.NotFound, (await bo.PostAsync($"/api/aggregates/order/{id}/commands/cancel", Json(new { reason = "mine now" }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bo.GetAsync($"/api/aggregates/order/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bo.GetAsync($"/api/streams/order-{id}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bo.GetAsync($"/api/read/orders/{id}")).StatusCode);

        // A clerk serves any order; a token without the customer claim owns nothing
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostAsync($"/api/aggregates/order/{id}/commands/add-item", Json(new { sku = "pen", quantity = 2, unitPrice = 100 }))).StatusCode);
        using var nobody = host.As("login-x", "shopper");
        Assert.Equal(HttpStatusCode.NotFound, (await nobody.GetAsync($"/api/aggregates/order/{id}")).StatusCode);

        var state = JsonDocument.Parse(await ada.GetStringAsync($"/api/aggregates/order/{id}")).RootElement.GetProperty("state");
        Assert.Equal(2, state.GetProperty("lines").GetArrayLength());
        Assert.Equal("created", state.GetProperty("status").GetString());
    }
}
