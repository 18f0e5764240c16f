using System.Net;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Projections;
using static Contoso.Orders.Domain.OrderEvents;

namespace Contoso.Orders.Domain;

/// <summary>The domain's registration, the only place event type names are written: both hosts serve this module.</summary>
public sealed class OrderModule : IDomainModule
{
    public string Name => "orders";

    public void Register(DomainBuilder domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        domain.Events
            .Register<OrderCreated>("OrderCreated")
            .Register<ItemAdded>("ItemAdded")
            .Register<StatusChanged>("OrderStatusChanged")
            .Register<OrderCancelled>("OrderCancelled");
        domain
            .Aggregate(OrderAggregate.Definition)
            .Projection<OrderSummaryProjection>()
            .Migrations(typeof(OrderModule).Assembly, "Contoso.Orders.Migrations.")
            .ReadRoute("orders/{id}", "An order's summary", ReadAccess.Stream(OrderAggregate.Category, "id"), SummaryAsync)
            .Saga(FulfilmentSaga.Definition);
    }

    private static async Task<ApiResponse> SummaryAsync(ApiContext context, IReadModelQueries queries)
    {
        var rows = await queries.QueryAsync(
            $"select order_id as \"orderId\", customer, status, items, total, version from {OrderSummaryProjection.Table} where order_id = $1", context.Route("id"));
        return rows.Count == 0
            ? ApiResponse.Problem(Problem.NotFound($"No order {context.Route("id")} (yet)."))
            : ApiResponse.Of(HttpStatusCode.OK, rows[0]);
    }
}
