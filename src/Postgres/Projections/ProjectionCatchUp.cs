using Npgsql;
using NpgsqlTypes;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>One step of a projection's local catch-up subscription: read the gap-safe log from its cursor, apply, move the cursor.</summary>
public sealed class ProjectionCatchUp(NpgsqlDataSource dataSource, IEventStore store, ProjectionDispatcher dispatcher, ProjectionOptions options)
{
    /// <returns>How many log events the step consumed (0 when caught up or stopped).</returns>
    public async Task<int> StepAsync(IProjection projection, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(projection);
        var (status, cursor) = await ReadCursorAsync(projection.Name, ct);
        if (status == "stopped")
        {
            return 0;
        }

        var slice = await store.ReadLogAsync(cursor, options.BatchSize, ct);
        if (slice.Events.Count == 0)
        {
            return 0;
        }

        var outcome = await dispatcher.ApplyLogSliceAsync(projection, slice, cursor, ct);
        return outcome.Stopped || outcome.Lost ? 0 : slice.Events.Count;
    }

    private async Task<(string Status, LogCursor Cursor)> ReadCursorAsync(string name, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select status, cursor_tx, cursor_position from es_projections where name = $1");
        command.Parameters.AddWithValue(name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? (reader.GetString(0), new LogCursor(reader.GetFieldValue<ulong>(1), reader.GetInt64(2)))
            : throw new InvalidOperationException($"Projection {name} is not registered.");
    }

    internal static NpgsqlParameter Xid(ulong value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Xid8 };
}
