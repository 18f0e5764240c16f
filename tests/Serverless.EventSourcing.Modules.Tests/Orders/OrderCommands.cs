using Serverless.EventSourcing.Commands;

namespace Serverless.EventSourcing.Modules.Tests.Orders;

/// <summary>Command payloads, as posted to <c>/api/aggregates/order/{id}/commands/{name}</c>.</summary>
public static class OrderCommands
{
    public sealed record Create(string Customer, string? ShippingAddress = null) : ICommand
    {
        public void Validate()
        {
            Require.NotBlank(Customer, "customer", 100);
            if (ShippingAddress is not null)
            {
                Require.NotBlank(ShippingAddress, "shippingAddress", 500);
            }
        }
    }

    public sealed record AddItem(string Sku, int Quantity, long UnitPrice) : ICommand
    {
        public void Validate()
        {
            Require.NotBlank(Sku, "sku", 50);
            Require.Positive(Quantity, "quantity");
            Require.Positive(UnitPrice, "unitPrice");
        }
    }

    /// <param name="Status">paid or shipped.</param>
    /// <param name="DeliveryNote">For the courier; from the fulfilment saga it arrives already encrypted, so it is not checked for length.</param>
    public sealed record ChangeStatus(string Status, string? DeliveryNote = null, string? Customer = null) : ICommand
    {
        public void Validate()
        {
            if (Status is not (OrderState.Paid or OrderState.Shipped))
            {
                throw new InvalidInputException("status", $"must be '{OrderState.Paid}' or '{OrderState.Shipped}'");
            }
        }
    }

    public sealed record Cancel(string Reason) : ICommand
    {
        public void Validate() => Require.NotBlank(Reason, "reason", 200);
    }
}
