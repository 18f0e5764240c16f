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
                return new DependencyOutage("PostgreSQL", e is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : e.Message);
            }
        }

        return null;
    }

    /// <summary>This exception itself (not its inner ones) says the server is away.</summary>
    internal static bool IsOutage(Exception error) => error switch
    {
        // Server-side errors are bugs or business conflicts unless their class says the server is unavailable:
        // 08 connection exception, 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up
        // or recovering), 53300 too many connections. Serialization failures and deadlocks are not outages.
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
        NpgsqlException npgsql => npgsql.IsTransient,
        SocketException => true,
        _ => false,
    };
}
