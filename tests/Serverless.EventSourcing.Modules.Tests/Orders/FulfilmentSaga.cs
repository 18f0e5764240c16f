using Serverless.EventSourcing.Sagas;

namespace Serverless.EventSourcing.Modules.Tests.Orders;

/// <summary>Pay, then ship; if shipping fails for good (an empty order), the payment is undone by cancelling the order.</summary>
public static class FulfilmentSaga
{
    /// <param name="DeliveryNote">Personal data of <paramref name="Customer"/>: encrypted in the saga's input, passed to the ship step as it is.</param>
    public sealed record Input(string OrderId, string? Customer = null, string? DeliveryNote = null) : ICommand
    {
        public void Validate() => Require.NotBlank(OrderId, "orderId", 100);
    }

    public static SagaDefinition<Input> Definition { get; } = new SagaDefinition<Input>("fulfilment")
        .Step("pay", (o, _) => new SagaCommand(o.OrderId, new OrderCommands.ChangeStatus(OrderState.Paid)),
            undo: (o, saga) => new SagaCommand(o.OrderId, new OrderCommands.Cancel($"fulfilment {saga} could not ship")))
        .Step("ship", (o, _) => new SagaCommand(o.OrderId, new OrderCommands.ChangeStatus(OrderState.Shipped, o.DeliveryNote, o.Customer)),
            retry: new SagaRetry(1, TimeSpan.FromMilliseconds(10)));
}
