using Npgsql;

namespace Serverless.EventSourcing.Postgres;

/// <summary>
/// Whether a pooler in transaction mode sits between us and the server: one client connection's statements then run
/// on whichever server connection is free, so auto-prepared statements land on sessions that did not prepare them
/// (seen behind PgBouncer 1.18: "already exists", "does not exist", and parameters bound to another statement's
/// plan — a wrong result, not only an error). Asked once at start-up, when prepared statements are on.
/// </summary>
public static class PooledSessionProbe
{
    /// <returns>True when one client connection was seen on two server sessions.</returns>
    public static async Task<bool> SessionsMoveBetweenTransactionsAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var probe = await dataSource.OpenConnectionAsync(ct);
        var first = await BackendAsync(probe, ct);
        // Other clients hold transactions open meanwhile, so a pooler must give the probe's next statement another
        // server connection if it does not keep the probe's session for it.
        // Another client holds a transaction open meanwhile on the server connection the probe just left (poolers hand
        // out the most recently used one first), so the probe's next statement runs elsewhere unless its session is
        // kept for it. Two connections in all: a pool of two is enough.
        await using var holder = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await holder.BeginTransactionAsync(ct);
        await BackendAsync(holder, ct);
        return await BackendAsync(probe, ct) != first;
    }

    private static async Task<int> BackendAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select pg_backend_pid()", connection);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }
}
