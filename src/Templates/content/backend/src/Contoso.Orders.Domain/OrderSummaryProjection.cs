using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Streams;
using static Contoso.Orders.Domain.OrderEvents;

namespace Contoso.Orders.Domain;

/// <summary>One row per order: customer, status, item count and total (its table comes from Migrations/0001).</summary>
public sealed class OrderSummaryProjection(EventTypeRegistry events) : IProjection
{
    public const string Table = "es_rm_order_summaries";

    public string Name => "order-summaries";

    public IReadOnlySet<string> Categories { get; } = new HashSet<string> { OrderAggregate.Category };

    public IReadOnlySet<string> EventTypes { get; } = events.NamesOf(typeof(OrderCreated), typeof(ItemAdded), typeof(StatusChanged), typeof(OrderCancelled));

    public IReadOnlyList<string> Tables => [Table];

    public PoisonPolicy OnPoison => PoisonPolicy.Continue;

    public Task ApplyAsync(EventEnvelope envelope, IReadModelSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(session);
        var id = StreamId.Parse(envelope.StreamId).Id;
        var t = session.Table(Table);
        return events.Deserialize(envelope) switch
        {
            OrderCreated e => session.ExecuteAsync($"insert into {t} (order_id, customer, status, items, total, version) values ($1, $2, 'created', 0, 0, $3) on conflict do nothing", id, e.Customer, envelope.StreamVersion),
            ItemAdded e => session.ExecuteAsync($"update {t} set items = items + $2, total = total + $3, version = $4 where order_id = $1", id, e.Quantity, e.Quantity * e.UnitPrice, envelope.StreamVersion),
            StatusChanged e => session.ExecuteAsync($"update {t} set status = $2, version = $3 where order_id = $1", id, e.Status, envelope.StreamVersion),
            OrderCancelled => session.ExecuteAsync($"update {t} set status = 'cancelled', version = $2 where order_id = $1", id, envelope.StreamVersion),
            _ => Task.CompletedTask,
        };
    }
}
