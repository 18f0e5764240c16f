using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Modules;

namespace Serverless.EventSourcing.TestKit;

/// <summary>
/// Where a team's aggregate tests start: the modules as a host registers them (event names, schema versions, upcasters,
/// aggregates), with no database, host or container.
/// </summary>
/// <example><code>
/// var bank = AggregateScenarios.For(new BankModule());
/// bank.Given("account", "42", new AccountOpened("Ada", "EUR"))
///     .When(new AccountCommands.Withdraw(100, "EUR"))
///     .ThenRefused("insufficient_funds");
/// </code></example>
public sealed class AggregateScenarios
{
    private AggregateScenarios(AggregateRegistry registry) => Registry = registry;

    /// <summary>The registry the scenarios run on (the same one a host builds from these modules).</summary>
    public AggregateRegistry Registry { get; }

    public static AggregateScenarios For(params IDomainModule[] modules) => new(DomainModules.CreateRegistry(modules));

    /// <summary>A stream of <paramref name="category"/> (the aggregate's type in routes) with id <paramref name="id"/> that has recorded <paramref name="events"/> (none: it does not exist yet).</summary>
    public AggregateScenario Given(string category, string id, params object[] events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var scenario = new AggregateScenario(Registry, Definition(category), id);
        return events.Length == 0 ? scenario : scenario.Given(events);
    }

    private IAggregateDefinition Definition(string category) =>
        Registry.TryGet(category, out var definition)
            ? definition
            : throw new ArgumentException($"No aggregate '{category}' is registered by these modules (registered: {string.Join(", ", Registry.All.Select(a => a.Category))}).", nameof(category));
}
