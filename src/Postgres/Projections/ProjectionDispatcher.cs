using Microsoft.Extensions.Logging;
using Npgsql;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>
/// Applies batches of envelopes, from any delivery, to every projection with exactly-once effect: per
/// (projection, stream) it skips versions already applied and heals a jump from the store, all in the
/// transaction that changes the read model. Poison events are retried, then parked.
/// </summary>
public sealed partial class ProjectionDispatcher(
    NpgsqlDataSource dataSource,
    IEventStore store,
    IEnumerable<IProjection> projections,
    ProjectionOptions options,
    ILogger<ProjectionDispatcher> logger) : IProjectionDispatcher
{
    public IReadOnlyList<IProjection> Projections { get; } = projections.ToList();

    public IProjection Find(string name) =>
        Projections.FirstOrDefault(p => p.Name == name) ?? throw new KeyNotFoundException($"No projection named '{name}'.");

    /// <summary>Creates the state rows of every projection (idempotent; run at start-up).</summary>
    public async Task RegisterAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("insert into es_projections (name) select unnest($1::text[]) on conflict do nothing");
        command.Parameters.AddWithValue(Projections.Select(p => p.Name).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The Kafka path: a batch in any order, possibly repeated. A stopped projection makes this throw,
    /// so the trigger fails and the broker redelivers instead of the events being skipped.
    /// </summary>
    public async Task DispatchAsync(IReadOnlyList<EventEnvelope> batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var projection in Projections)
        {
            var outcome = await ApplyAsync(projection, ProjectionTarget.Live(projection), ApplyBatch.Delivered(batch), ct);
            if (outcome.Stopped)
            {
                throw new InvalidOperationException($"Projection {projection.Name} is stopped on a parked event; retry or skip it to resume.");
            }
        }
    }

    /// <summary>The local catch-up path: applies and moves the projection's cursor from <paramref name="from"/> in the same transaction.</summary>
    public Task<ApplyOutcome> ApplyLogSliceAsync(IProjection projection, LogSlice slice, LogCursor from, CancellationToken ct = default) =>
        ApplyAsync(projection, ProjectionTarget.Live(projection), ApplyBatch.FromLog(slice, from), ct);

    internal Task<ApplyOutcome> ApplyRebuildSliceAsync(IProjection projection, RebuildFilter filter, LogSlice slice, LogCursor from, CancellationToken ct) =>
        ApplyAsync(projection, ProjectionTarget.Rebuild(projection, filter), ApplyBatch.FromLog(slice, from), ct);

    /// <summary>A rebuild's swap catching up its last events in its own (exclusively locked) transaction; fast path only.</summary>
    internal Task<ApplyOutcome> ApplyRebuildSliceWithinAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IProjection projection, RebuildFilter filter, LogSlice slice, LogCursor from, CancellationToken ct)
    {
        var target = ProjectionTarget.Rebuild(projection, filter);
        return ApplyWithinAsync(ApplyTransaction.Join(connection, transaction, projection, target), projection, target, ApplyBatch.FromLog(slice, from), careful: false, ct);
    }

    private async Task<ApplyOutcome> ApplyAsync(IProjection projection, ProjectionTarget target, ApplyBatch batch, CancellationToken ct)
    {
        try
        {
            return await ApplyInTransactionAsync(projection, target, batch, careful: false, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !PostgresFailures.IsTransient(ex) && !PostgresFailures.IsSchemaFault(ex))
        {
            // Something in the batch failed: redo it event by event with savepoints to find and park the culprit.
            // A schema fault is thrown on instead: parking would blame every event for a missing table; the caller
            // retries the batch (loop backoff, broker redelivery) until the deployment is fixed.
            logger.LogWarning(ex, "Projection {Projection} failed on a batch of {Count}; retrying event by event", projection.Name, batch.Events.Count);
            return await ApplyInTransactionAsync(projection, target, batch, careful: true, ct);
        }
    }
}
