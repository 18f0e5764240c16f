using Serverless.EventSourcing;

namespace Contoso.Orders.Domain;

/// <summary>Posted to <c>/api/aggregates/order/{id}/commands/{name}</c>; Validate names the field a 400 reports.</summary>
public static class OrderCommands
{
    public sealed record Create(string Customer) : ICommand
    {
        public void Validate() => Require.NotBlank(Customer, "customer", 100);
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

    public sealed record ChangeStatus(string Status) : ICommand
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
