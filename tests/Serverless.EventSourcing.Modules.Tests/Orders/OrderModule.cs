using System.Net;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Application.PersonalData;
using Serverless.EventSourcing.Projections;
using static Serverless.EventSourcing.Modules.Tests.Orders.OrderEvents;

namespace Serverless.EventSourcing.Modules.Tests.Orders;

/// <summary>The whole order domain's registration: events, the aggregate, a projection with its table, a read route, a saga.</summary>
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
            .Ownership(OrderAggregate.Definition, OrderAggregate.Owns)
            .Projection<OrderSummaryProjection>()
            .Migrations(typeof(OrderModule).Assembly, "Orders.Migrations.")
            .ReadRoute("orders/{id}", "An order's summary", ReadAccess.Stream("order", "id"), SummaryAsync)
            .Saga(FulfilmentSaga.Definition)
            // A shipping address belongs to the customer, whatever order carries it: another subject than the stream.
            .PersonalData<OrderCreated>(e => e.Customer, subjectIsStreamWhenAbsent: false, e => e.ShippingAddress)
            .PersonalData<StatusChanged>(e => e.Customer, subjectIsStreamWhenAbsent: false, e => e.DeliveryNote)
            .PersonalSagaInput(FulfilmentSaga.Definition, "customer", new PersonalField("deliveryNote", PersonalKind.String));
    }

    private static async Task<ApiResponse> SummaryAsync(ApiContext context, IReadModelQueries queries)
    {
        var rows = await queries.QueryAsync(
            $"select order_id as \"orderId\", customer, status, items, total, shipping_address as \"shippingAddress\", version from {OrderSummaryProjection.Table} where order_id = $1", context.Route("id"));
        return rows.Count == 0
            ? ApiResponse.Problem(Problem.NotFound($"No order {context.Route("id")} (yet)."))
            : ApiResponse.Of(HttpStatusCode.OK, rows[0]);
    }
}
