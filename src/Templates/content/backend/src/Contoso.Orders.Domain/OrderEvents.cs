namespace Contoso.Orders.Domain;

public static class OrderEvents
{
    public sealed record OrderCreated(string Customer);

    public sealed record ItemAdded(string Sku, int Quantity, long UnitPrice);

    public sealed record StatusChanged(string Status);

    public sealed record OrderCancelled(string Reason);
}
