using Npgsql;

namespace Serverless.EventSourcing.Postgres;

/// <summary>One-statement helpers for code that works inside a connection and transaction it already holds.</summary>
internal static class PostgresCommands
{
    public static async Task ExecuteAsync(this NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken ct, params object?[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p ?? DBNull.Value });
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<T?> ScalarAsync<T>(this NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken ct, params object?[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p ?? DBNull.Value });
        }

        return await command.ExecuteScalarAsync(ct) is T value ? value : default;
    }
}
