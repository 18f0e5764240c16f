using Serverless.EventSourcing.Modules.Tests.Orders;
using Serverless.EventSourcing.TestKit;
using static Serverless.EventSourcing.Modules.Tests.Orders.OrderEvents;

namespace Serverless.EventSourcing.Modules.Tests;

/// <summary>The order domain's rules with the test kit, as a team would test its own module: no host, no database.</summary>
public class OrderRulesTests
{
    private static readonly AggregateScenarios Orders = AggregateScenarios.For(new OrderModule());

    [Fact]
    public void An_order_is_created_once_and_takes_items_until_it_ships()
    {
        Orders.Given("order", "1").When(new OrderCommands.Create("Ada")).Then(new OrderCreated("Ada"));
        Orders.Given("order", "1", new OrderCreated("Ada")).When("create", new { customer = "Bo" }).ThenRefused(OrderAggregate.AlreadyExists);
        Orders.Given("order", "1", new OrderCreated("Ada")).When("add-item", new { sku = "book", quantity = 2, unitPrice = 1500 }).Then(new ItemAdded("book", 2, 1500));
        Orders.Given("order", "1", new OrderCreated("Ada"), new ItemAdded("book", 1, 10), new StatusChanged(OrderState.Shipped))
            .When("add-item", new { sku = "pen", quantity = 1, unitPrice = 200 })
            .ThenRefused(OrderAggregate.AlreadyShipped);
    }

    [Fact]
    public void An_empty_order_cannot_ship_and_a_status_outside_the_list_is_invalid()
    {
        Orders.Given("order", "2", new OrderCreated("Cy")).When("change-status", new { status = OrderState.Shipped }).ThenRefused(OrderAggregate.Empty);
        Orders.Given("order", "2", new OrderCreated("Cy")).When("change-status", new { status = "lost" }).ThenInvalid("status");
        Orders.Given("order", "2").When("add-item", new { sku = "pen", quantity = 1, unitPrice = 200 }).ThenNotFound();
    }
}
