using Serverless.EventSourcing.Aggregates;
using static Contoso.Orders.Domain.OrderCommands;
using static Contoso.Orders.Domain.OrderEvents;

namespace Contoso.Orders.Domain;

/// <summary>An order: created, items added, paid, shipped; no items after shipping; cancel only before shipping.</summary>
public static class OrderAggregate
{
    public const string Category = "order";
    public const string NotOpen = "order_not_open";
    public const string AlreadyShipped = "order_shipped";
    public const string Empty = "order_empty";
    public const string AlreadyExists = "order_exists";

    public static AggregateDefinition<OrderState> Definition { get; } =
        new AggregateDefinition<OrderState>(Category, OrderState.Initial)
            .On<OrderCreated>((s, e) => s with { Status = OrderState.Created, Customer = e.Customer })
            .On<ItemAdded>((s, e) => s with { Lines = s.Lines.Add(new OrderLine(e.Sku, e.Quantity, e.UnitPrice)) })
            .On<StatusChanged>((s, e) => s with { Status = e.Status })
            .On<OrderCancelled>((s, _) => s with { Status = OrderState.Cancelled })
            .Command<Create>("create", (s, c) => s.Status == OrderState.None
                ? Decision.Accept(new OrderCreated(c.Customer))
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
                _ => Decision.Accept(new StatusChanged(c.Status)),
            })
            .Command<Cancel>("cancel", (s, c) => s.Status switch
            {
                OrderState.Shipped => Decision.Reject(AlreadyShipped, "A shipped order cannot be cancelled."),
                OrderState.Cancelled => Decision.Reject(NotOpen, "The order is already cancelled."),
                _ => Decision.Accept(new OrderCancelled(c.Reason)),
            })
            .WithSnapshots();
}
