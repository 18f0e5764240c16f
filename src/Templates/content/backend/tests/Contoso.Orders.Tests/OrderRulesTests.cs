using Contoso.Orders.Domain;
using Serverless.EventSourcing.TestKit;
using Xunit;
using static Contoso.Orders.Domain.OrderEvents;

namespace Contoso.Orders.Tests;

/// <summary>The order's rules with the test kit: given events, when a command as a client posts it, then events or a refusal. No database.</summary>
public class OrderRulesTests
{
    private static readonly AggregateScenarios Orders = AggregateScenarios.For(new OrderModule());

    [Fact]
    public void An_order_is_created_once() =>
        Orders.Given(OrderAggregate.Category, "1", new OrderCreated("Ada")).When("create", new { customer = "Bo" }).ThenRefused(OrderAggregate.AlreadyExists);

    [Fact]
    public void Items_are_added_until_the_order_ships()
    {
        Orders.Given(OrderAggregate.Category, "1", new OrderCreated("Ada"))
            .When(new OrderCommands.AddItem("book", 2, 1500))
            .Then(new ItemAdded("book", 2, 1500));
        Orders.Given(OrderAggregate.Category, "1", new OrderCreated("Ada"), new ItemAdded("book", 1, 10), new StatusChanged(OrderState.Shipped))
            .When("add-item", new { sku = "pen", quantity = 1, unitPrice = 200 })
            .ThenRefused(OrderAggregate.AlreadyShipped);
    }

    [Fact]
    public void An_empty_order_cannot_ship_and_bad_input_names_its_field()
    {
        Orders.Given(OrderAggregate.Category, "2", new OrderCreated("Cy")).When("change-status", new { status = OrderState.Shipped }).ThenRefused(OrderAggregate.Empty);
        Orders.Given(OrderAggregate.Category, "2", new OrderCreated("Cy")).When("add-item", new { sku = "pen", quantity = 0, unitPrice = 1 }).ThenInvalid("quantity");
    }
}
