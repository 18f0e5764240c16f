using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Security;

namespace Serverless.EventSourcing.Application.Security;

/// <summary>
/// Whether <paramref name="principal"/> owns the aggregate whose state is <paramref name="state"/>. For a command,
/// <paramref name="command"/> is it and the state is the one loaded under the stream's lock (for a command that creates
/// the aggregate, the initial state: decide from the command); for reads and raw appends it is null.
/// </summary>
public delegate bool OwnershipRule<in TState>(Principal principal, TState state, ICommand? command);

/// <summary>
/// The modules' ownership rules, one per aggregate category. A rule only matters to grants limited to owned streams
/// (<c>execute:account@own</c>): a principal with a plain grant on the category needs none.
/// </summary>
public sealed class OwnershipRules
{
    private readonly Dictionary<string, Func<Principal, object, ICommand?, bool>> _rules = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Categories => _rules.Keys;

    internal void Add<TState>(AggregateDefinition<TState> aggregate, OwnershipRule<TState> rule)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(rule);
        if (!_rules.TryAdd(aggregate.Category, (principal, state, command) => rule(principal, (TState)state, command)))
        {
            throw new InvalidOperationException($"Category {aggregate.Category} has two ownership rules.");
        }
    }

    public bool TryGet(string category, out Func<Principal, object, ICommand?, bool> rule) => _rules.TryGetValue(category, out rule!);
}
