using Npgsql;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>
/// The handshake between applies and a rebuild's swap, as a transaction-scoped advisory lock per projection
/// (works through PgBouncer in transaction mode): applies share it, the swap takes it alone, so the swap never
/// interleaves with an apply. Cursor and progress live in separate rows, so applies never wait on each other.
/// </summary>
internal static class ProjectionLocks
{
    private const string Shared = "select pg_advisory_xact_lock_shared(17748, hashtext($1))";
    private const string Exclusive = "select pg_advisory_xact_lock(17748, hashtext($1))";

    public static Task EnterApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string projection, CancellationToken ct) =>
        connection.ExecuteAsync(tx, Shared, ct, projection);

    public static Task EnterSwapAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string projection, CancellationToken ct) =>
        connection.ExecuteAsync(tx, Exclusive, ct, projection);
}
