using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Retention;

namespace Serverless.EventSourcing.Application.Retention;

/// <summary>
/// Refuses retention policies that would break something: the audit trail, an aggregate that takes no snapshots (its loads fold every
/// event), a truncation above an aggregate's newest snapshot, or a category a projection follows whose rebuild needs the
/// removed events. Settings are checked at start-up, the API's per-stream policies per request.
/// </summary>
public sealed class RetentionGuard(AggregateRegistry aggregates, IEnumerable<IProjection> projections)
{
    private readonly IReadOnlyList<IProjection> _projections = projections.ToList();

    /// <returns>Why the policy cannot be set, or null when it can.</returns>
    public string? Refusal(string category, StreamPolicy policy, long snapshotVersion = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.IsEmpty)
        {
            return null;
        }

        if (category == Security.AuditTrail.Category)
        {
            return "The audit trail keeps every record: a retention policy would let operators erase what they did.";
        }

        if (aggregates.TryGet(category, out var aggregate))
        {
            if (!aggregate.Snapshots)
            {
                return $"Aggregate '{category}' takes no snapshots, so its loads need every event; a retention policy would break it.";
            }

            if (policy.TruncateBefore is { } before && before > snapshotVersion + 1)
            {
                return $"truncateBefore {before} is above the newest snapshot (version {snapshotVersion}) of this aggregate; take a snapshot first (POST /api/snapshots/{{streamId}}).";
            }
        }

        var needing = ProjectionsNeeding(category);
        return needing.Count == 0
            ? null
            : $"Projections {string.Join(", ", needing)} follow '{category}' and need its old events to rebuild; a retention policy would make a rebuild differ.";
    }

    /// <summary>The projections a policy on <paramref name="category"/> would break, for the refusal's body.</summary>
    public IReadOnlyList<string> ProjectionsNeeding(string category) =>
        _projections.Where(p => p.Categories.Contains(category) && !p.RebuildsWithoutRemovedEvents).Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
}
