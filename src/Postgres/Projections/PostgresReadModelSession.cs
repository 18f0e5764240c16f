using Npgsql;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>
/// <see cref="IReadModelSession"/> over one transaction. With <c>deferWrites</c>, writes are queued and
/// sent as one <see cref="NpgsqlBatch"/> (in order, before any read and at <see cref="FlushAsync"/>) so a
/// catch-up of thousands of events costs a few round trips; errors then surface at the flush.
/// </summary>
public sealed class PostgresReadModelSession(NpgsqlConnection connection, NpgsqlTransaction? transaction, bool deferWrites, Func<string, string>? tables = null)
    : IReadModelSession
{
    private const int MaxQueued = 1000;
    private NpgsqlBatch? _batch;

    public string Table(string name) => tables?.Invoke(name) ?? name;

    public async Task<int> ExecuteAsync(string sql, params object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!deferWrites)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            Add(command.Parameters, parameters);
            return await command.ExecuteNonQueryAsync();
        }

        _batch ??= new NpgsqlBatch(connection, transaction);
        var batchCommand = new NpgsqlBatchCommand(sql);
        Add(batchCommand.Parameters, parameters);
        _batch.BatchCommands.Add(batchCommand);
        if (_batch.BatchCommands.Count >= MaxQueued)
        {
            await FlushAsync();
        }

        return 1;
    }

    public async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql, params object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        await FlushAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        Add(command.Parameters, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(reader.FieldCount, StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public async Task FlushAsync(CancellationToken ct = default)
    {
        if (_batch is null)
        {
            return;
        }

        await using var batch = _batch;
        _batch = null;
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static void Add(NpgsqlParameterCollection target, object?[] parameters)
    {
        foreach (var p in parameters)
        {
            target.Add(new NpgsqlParameter { Value = p ?? DBNull.Value });
        }
    }
}

/// <summary>Read routes query read models through this (no transaction, nothing deferred).</summary>
public sealed class PostgresReadModelQueries(NpgsqlDataSource dataSource) : IReadModelQueries
{
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql, params object?[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await new PostgresReadModelSession(connection, null, deferWrites: false).QueryAsync(sql, parameters);
    }
}
