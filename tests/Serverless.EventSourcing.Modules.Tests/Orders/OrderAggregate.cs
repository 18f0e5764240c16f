using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Security;
using static Serverless.EventSourcing.Modules.Tests.Orders.OrderCommands;
using static Serverless.EventSourcing.Modules.Tests.Orders.OrderEvents;

namespace Serverless.EventSourcing.Modules.Tests.Orders;

/// <summary>An order: created, items added, paid, shipped; no items after shipping; cancel only before shipping.</summary>
public static class OrderAggregate
{
    public const string NotOpen = "order_not_open";
    public const string AlreadyShipped = "order_shipped";
    public const string Empty = "order_empty";
    public const string AlreadyExists = "order_exists";

    /// <summary>The token claim naming the customer a shop's front end signs in (not the subject: one login, one customer).</summary>
    public const string CustomerClaim = "customer_id";

    /// <summary>A customer owns the orders placed for its <see cref="CustomerClaim"/>; creating one, it must name itself.</summary>
    public static bool Owns(Principal principal, OrderState s, ICommand? command) =>
        principal.Claims.TryGetValue(CustomerClaim, out var customer)
        && (s.Status == OrderState.None ? command is Create create && create.Customer == customer : s.Customer == customer);

    public static AggregateDefinition<OrderState> Definition { get; } =
        new AggregateDefinition<OrderState>("order", OrderState.Initial)
            .On<OrderCreated>((s, e) => s with { Status = OrderState.Created, Customer = e.Customer })
            .On<ItemAdded>((s, e) => s with { Lines = s.Lines.Add(new OrderLine(e.Sku, e.Quantity, e.UnitPrice)) })
            .On<StatusChanged>((s, e) => s with { Status = e.Status })
            .On<OrderCancelled>((s, _) => s with { Status = OrderState.Cancelled })
            .Command<Create>("create", (s, c) => s.Status == OrderState.None
                ? Decision.Accept(new OrderCreated(c.Customer, c.ShippingAddress))
                : Decision.Reject(AlreadyExists, "The order exists."), creates: true)
            .Command<AddItem>("add-item", (s, c) => s.Status switch
            {
                OrderState.Shipped => Decision.Reject(AlreadyShipped, "No items can be added after shipping."),
                OrderState.Cancelled => Decision.Reject(NotOpen, "The order is cancelled."),
                _ => Decision.Accept(new ItemAdded(c.Sku, c.Quantity, c.UnitPrice)),
            })
            .Command<ChangeStatus>("change-status", (s, c) => (s.Status, c.Status) switch
            {
                (OrderState.Cancelled, _) => Decision.Reject(NotOpen, "The order is cancelled."),
                (OrderState.Shipped, _) => Decision.Reject(AlreadyShipped, "The order has shipped."),
                (_, OrderState.Shipped) when s.Lines.IsEmpty => Decision.Reject(Empty, "An empty order cannot ship."),
                _ => Decision.Accept(new StatusChanged(c.Status, c.DeliveryNote, c.Customer)),
            })
            .Command<Cancel>("cancel", (s, c) => s.Status switch
            {
                OrderState.Shipped => Decision.Reject(AlreadyShipped, "A shipped order cannot be cancelled."),
                OrderState.Cancelled => Decision.Reject(NotOpen, "The order is already cancelled."),
                _ => Decision.Accept(new OrderCancelled(c.Reason)),
            })
            .WithSnapshots();
}
