using Npgsql;
using NpgsqlTypes;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>
/// The transaction one batch is applied in: it enters the projection's handshake lock, reads and writes the target's
/// per-stream checkpoints, and moves the target's cursor, so the read model, the checkpoints and the cursor commit or
/// roll back together.
/// </summary>
internal sealed class ApplyTransaction : IAsyncDisposable
{
    private readonly ProjectionTarget _target;
    private readonly string _projection;
    private readonly bool _owned;

    private ApplyTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, string projection, ProjectionTarget target, bool owned)
    {
        Connection = connection;
        Transaction = transaction;
        _projection = projection;
        _target = target;
        _owned = owned;
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    /// <summary>The projection is stopped and this target honours that: apply nothing.</summary>
    public bool Refused { get; private set; }

    public static async Task<ApplyTransaction> BeginAsync(NpgsqlDataSource dataSource, IProjection projection, ProjectionTarget target, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        var transaction = await connection.BeginTransactionAsync(ct);
        var run = new ApplyTransaction(connection, transaction, projection.Name, target, owned: true);
        try
        {
            // Read models are derived and their checkpoints commit with them: if a crash loses this commit it loses
            // both, and the events are applied again. So no need to wait for the WAL flush.
            await connection.ExecuteAsync(transaction, "set local synchronous_commit = off", ct);
            await ProjectionLocks.EnterApplyAsync(connection, transaction, projection.Name, ct);
            var status = await connection.ScalarAsync<string>(transaction, "select status from es_projections where name = $1", ct, projection.Name)
                ?? throw new InvalidOperationException($"Projection {projection.Name} is not registered.");
            run.Refused = target.HonourStop && status == "stopped";
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    /// <summary>Applies inside a transaction the caller owns and already locked (a rebuild's swap catching up its last events).</summary>
    public static ApplyTransaction Join(NpgsqlConnection connection, NpgsqlTransaction transaction, IProjection projection, ProjectionTarget target) =>
        new(connection, transaction, projection.Name, target, owned: false);

    public async Task<Dictionary<string, long>> LoadCheckpointsAsync(string[] streams, CancellationToken ct)
    {
        var checkpoints = new Dictionary<string, long>(StringComparer.Ordinal);
        if (streams.Length == 0)
        {
            return checkpoints;
        }

        await using var command = new NpgsqlCommand("select stream_id, version from es_projection_checkpoints where projection = $1 and stream_id = any($2)", Connection, Transaction);
        command.Parameters.AddWithValue(_target.CheckpointName);
        command.Parameters.AddWithValue(streams);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            checkpoints[reader.GetString(0)] = reader.GetInt64(1);
        }

        return checkpoints;
    }

    public Task SaveCheckpointsAsync(Dictionary<string, long> checkpoints, CancellationToken ct) =>
        checkpoints.Count == 0
            ? Task.CompletedTask
            : Connection.ExecuteAsync(Transaction,
                "insert into es_projection_checkpoints (projection, stream_id, version) select $1, s, v from unnest($2::text[], $3::bigint[]) as u(s, v) " +
                "on conflict (projection, stream_id) do update set version = greatest(es_projection_checkpoints.version, excluded.version)",
                ct, _target.CheckpointName, checkpoints.Keys.ToArray(), checkpoints.Values.ToArray());

    /// <summary>Moves the target's cursor from <paramref name="from"/>; false when someone else moved it first.</summary>
    public async Task<bool> MoveCursorAsync(LogCursor from, LogCursor to, int followed, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_target.CursorSql, Connection, Transaction);
        command.Parameters.AddWithValue(_projection);
        command.Parameters.Add(new() { Value = from.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
        command.Parameters.AddWithValue(from.Position);
        command.Parameters.Add(new() { Value = to.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
        command.Parameters.AddWithValue(to.Position);
        command.Parameters.AddWithValue((long)followed);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned)
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
