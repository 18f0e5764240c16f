using System.Net.Sockets;
using Npgsql;

namespace Serverless.EventSourcing.Postgres;

/// <summary>
/// PostgreSQL errors that mean "the server is away", classified by type and SQLSTATE: no connection can be opened or
/// one broke (socket and I/O errors, which Npgsql reports as a transient <see cref="NpgsqlException"/>), no pooled
/// connection became free in time (also a transient <see cref="NpgsqlException"/>, over a <see cref="TimeoutException"/>),
/// or the server said it is shutting down, starting, or out of connection slots.
/// </summary>
public sealed class PostgresOutages : IOutageDetector
{
    public DependencyOutage? Detect(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (IsOutage(e))
            {
                return new DependencyOutage("PostgreSQL", e switch
                {
                    PostgresException pg when LostPreparedStatement(pg) => $"{pg.SqlState}: {pg.MessageText}. {LostPreparedStatements}",
                    PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
                    _ => e.Message,
                });
            }
        }

        return null;
    }

    /// <summary>
    /// Why an auto-prepared statement can vanish or already exist: this code never prepares statements by name itself, so
    /// a pooler in transaction mode is handing the session's server connection to other clients between transactions.
    /// Answered 503 (not 500): the request did nothing, and the operator has a setting to change.
    /// </summary>
    public const string LostPreparedStatements =
        "Prepared statements do not survive between transactions here: a pooler in transaction mode (PgBouncer before 1.21, or with max_prepared_statements = 0) is in front of the server. Set Postgres__MaxAutoPrepare=0, or raise the pooler's max_prepared_statements.";

    private static bool LostPreparedStatement(PostgresException pg) =>
        pg.SqlState is PostgresErrorCodes.DuplicatePreparedStatement or PostgresErrorCodes.InvalidSqlStatementName;

    /// <summary>This exception itself (not its inner ones) says the server is away.</summary>
    internal static bool IsOutage(Exception error) => error switch
    {
        // Server-side errors are bugs or business conflicts unless their class says the server is unavailable:
        // 08 connection exception, 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up
        // or recovering), 53300 too many connections. Serialization failures and deadlocks are not outages.
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections
            || LostPreparedStatement(pg),
        NpgsqlException npgsql => npgsql.IsTransient,
        SocketException => true,
        _ => false,
    };
}
