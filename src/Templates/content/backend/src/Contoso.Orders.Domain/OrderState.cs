using System.Collections.Immutable;

namespace Contoso.Orders.Domain;

/// <summary>The order's state; its folds are declared once per event in <see cref="OrderAggregate"/>.</summary>
public sealed record OrderState(string Status, string Customer, ImmutableList<OrderLine> Lines)
{
    public const string None = "";
    public const string Created = "created";
    public const string Paid = "paid";
    public const string Shipped = "shipped";
    public const string Cancelled = "cancelled";

    public static OrderState Initial { get; } = new(None, "", []);
}

public sealed record OrderLine(string Sku, int Quantity, long UnitPrice);
