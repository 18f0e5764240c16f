using Npgsql;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Sagas;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.Sagas;

/// <summary>
/// The local saga engine's bookkeeping. Starting appends <c>SagaStarted</c> and the run row in one
/// transaction; runners claim runnable sagas with <c>FOR UPDATE SKIP LOCKED</c> and a lease, so two
/// runners never take the same one, and a crashed runner's sagas are taken over when its lease ends.
/// </summary>
public sealed class PostgresSagaRuns(NpgsqlDataSource dataSource, PostgresEventStore store) : ISagaEngine
{
    public async Task<bool> StartAsync(Guid sagaId, string sagaName, EventData started, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var stream = StreamId.For(SagaEvents.Category, sagaId.ToString("N"));
        try
        {
            await store.AppendAsync(tx, stream, ExpectedVersion.NoStream, [started], ct);
        }
        catch (WrongExpectedVersionException)
        {
            return false;
        }

        await using (var insert = new NpgsqlCommand("insert into es_saga_runs (saga_id, saga) values ($1, $2) on conflict do nothing", connection, tx))
        {
            insert.Parameters.AddWithValue(sagaId);
            insert.Parameters.AddWithValue(sagaName);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        AppendMetrics.Committed(1);
        store.Signal?.Pulse();
        return true;
    }

    /// <summary>Takes one runnable saga for <paramref name="lease"/>, or null when none is due.</summary>
    public async Task<Guid?> ClaimAsync(string owner, TimeSpan lease, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "update es_saga_runs set lease_owner = $1, lease_until = now() + $2 where saga_id = (" +
            "  select saga_id from es_saga_runs where status = 'active' and next_run_at <= now() and (lease_until is null or lease_until < now()) " +
            "  order by next_run_at limit 1 for update skip locked) returning saga_id");
        command.Parameters.AddWithValue(owner);
        command.Parameters.AddWithValue(lease);
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }

    /// <summary>Hands a saga back: finished, or runnable again after <paramref name="retryAfter"/>. Only the lease holder can.</summary>
    public async Task ReleaseAsync(Guid sagaId, string owner, bool finished, string outcome, TimeSpan retryAfter, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "update es_saga_runs set lease_owner = null, lease_until = null, next_run_at = now() + $3, " +
            "status = case when $4 then 'finished' else status end, outcome = $5, finished_at = case when $4 then now() end " +
            "where saga_id = $1 and lease_owner = $2");
        command.Parameters.AddWithValue(sagaId);
        command.Parameters.AddWithValue(owner);
        command.Parameters.AddWithValue(retryAfter);
        command.Parameters.AddWithValue(finished);
        command.Parameters.AddWithValue(outcome);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Hands back every active saga these owners hold, due at once (a clean stop): another runner, or this one after a
    /// restart, continues it now instead of after the lease. Its steps are idempotent, as for a lease that ran out.
    /// </summary>
    public async Task<int> ReleaseHeldAsync(IReadOnlyList<string> owners, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "update es_saga_runs set lease_owner = null, lease_until = null where lease_owner = any($1) and status = 'active'");
        command.Parameters.AddWithValue(owners.ToArray());
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Extends a lease while a runner keeps working on a saga.</summary>
    public async Task<bool> RenewAsync(Guid sagaId, string owner, TimeSpan lease, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("update es_saga_runs set lease_until = now() + $3 where saga_id = $1 and lease_owner = $2");
        command.Parameters.AddWithValue(sagaId);
        command.Parameters.AddWithValue(owner);
        command.Parameters.AddWithValue(lease);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}
