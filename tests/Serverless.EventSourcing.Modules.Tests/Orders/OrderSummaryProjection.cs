using Serverless.EventSourcing.Application.PersonalData;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Streams;
using static Serverless.EventSourcing.Modules.Tests.Orders.OrderEvents;

namespace Serverless.EventSourcing.Modules.Tests.Orders;

/// <summary>
/// One row per order: customer, status, item count, total, and the shipping address in plain text (a warehouse system
/// reads it): so it declares it needs plain values, and scrubs a customer's addresses when the customer is erased.
/// </summary>
public sealed class OrderSummaryProjection(EventTypeRegistry events) : IPersonalDataProjection
{
    public PersonalDataUse PersonalData => PersonalDataUse.PlainValues;

    public Task ScrubAsync(string subject, IReadModelSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.ExecuteAsync($"update {session.Table(Table)} set shipping_address = null where customer = $1", subject);
    }

    public const string Table = "es_rm_order_summaries";

    public string Name => "order-summaries";

    public IReadOnlySet<string> Categories { get; } = new HashSet<string> { "order" };

    public IReadOnlySet<string> EventTypes { get; } = events.NamesOf(typeof(OrderCreated), typeof(ItemAdded), typeof(StatusChanged), typeof(OrderCancelled));

    public IReadOnlyList<string> Tables => [Table];

    public PoisonPolicy OnPoison => PoisonPolicy.Continue;

    /// <summary>An erased customer's address arrives as the erasure marker: nothing to keep.</summary>
    private static string? Plain(string? address) => address == PersonalTokens.ErasedMarker ? null : address;

    public Task ApplyAsync(EventEnvelope envelope, IReadModelSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(session);
        var id = StreamId.Parse(envelope.StreamId).Id;
        var t = session.Table(Table);
        return events.Deserialize(envelope) switch
        {
            OrderCreated e => session.ExecuteAsync($"insert into {t} (order_id, customer, status, items, total, shipping_address, version) values ($1, $2, 'created', 0, 0, $3, $4) on conflict do nothing", id, e.Customer, Plain(e.ShippingAddress), envelope.StreamVersion),
            ItemAdded e => session.ExecuteAsync($"update {t} set items = items + $2, total = total + $3, version = $4 where order_id = $1", id, e.Quantity, e.Quantity * e.UnitPrice, envelope.StreamVersion),
            StatusChanged e => session.ExecuteAsync($"update {t} set status = $2, version = $3 where order_id = $1", id, e.Status, envelope.StreamVersion),
            OrderCancelled => session.ExecuteAsync($"update {t} set status = 'cancelled', version = $2 where order_id = $1", id, envelope.StreamVersion),
            _ => Task.CompletedTask,
        };
    }
}
