namespace Serverless.EventSourcing.Modules.Tests.Orders;

/// <summary>Events of the order aggregate; stored names are registered once, in <see cref="OrderModule"/>.</summary>
public static class OrderEvents
{
    /// <param name="ShippingAddress">Personal data of the customer (encrypted under the customer's key, not the order's).</param>
    public sealed record OrderCreated(string Customer, string? ShippingAddress = null);

    public sealed record ItemAdded(string Sku, int Quantity, long UnitPrice);

    /// <param name="DeliveryNote">Personal data of <paramref name="Customer"/> (the fulfilment saga passes it on encrypted).</param>
    public sealed record StatusChanged(string Status, string? DeliveryNote = null, string? Customer = null);

    public sealed record OrderCancelled(string Reason);
}
