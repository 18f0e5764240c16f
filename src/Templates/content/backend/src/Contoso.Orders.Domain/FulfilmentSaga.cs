using Serverless.EventSourcing;
using Serverless.EventSourcing.Sagas;

namespace Contoso.Orders.Domain;

/// <summary>Pay, then ship; if shipping fails for good (an empty order), the payment is undone by cancelling the order.</summary>
public static class FulfilmentSaga
{
    public sealed record Input(string OrderId) : ICommand
    {
        public void Validate() => Require.NotBlank(OrderId, "orderId", 100);
    }

    public static SagaDefinition<Input> Definition { get; } = new SagaDefinition<Input>("fulfilment")
        .Step("pay", (o, _) => new SagaCommand(o.OrderId, new OrderCommands.ChangeStatus(OrderState.Paid)),
            undo: (o, saga) => new SagaCommand(o.OrderId, new OrderCommands.Cancel($"fulfilment {saga} could not ship")))
        .Step("ship", (o, _) => new SagaCommand(o.OrderId, new OrderCommands.ChangeStatus(OrderState.Shipped)));
}
