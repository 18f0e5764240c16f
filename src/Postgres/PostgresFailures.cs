using Npgsql;

namespace Serverless.EventSourcing.Postgres;

/// <summary>How a PostgreSQL failure should be handled, judged over the exception and its inner exceptions.</summary>
public static class PostgresFailures
{
    /// <summary>
    /// Failures that go away by trying again: the server away (<see cref="PostgresOutages"/>), a lost race between
    /// transactions (deadlock, serialization failure, lock not available), the session ended by the server (57P0x:
    /// shutdown, idle timeout), or a timeout.
    /// </summary>
    public static bool IsTransient(Exception ex) => AnyInChain(ex, e =>
        PostgresOutages.IsOutage(e)
        || e is TimeoutException
        || (e is PostgresException pg
            && (pg.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable
                || pg.SqlState.StartsWith("57P0", StringComparison.Ordinal))));

    /// <summary>
    /// The statement does not fit the database (class 42: a missing table, column or function, bad SQL, no
    /// permission): a deployment or code fault that every event would hit alike, not something one event caused.
    /// </summary>
    public static bool IsSchemaFault(Exception ex) => AnyInChain(ex, e => e is PostgresException pg && pg.SqlState.StartsWith("42", StringComparison.Ordinal));

    private static bool AnyInChain(Exception? ex, Func<Exception, bool> test)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (test(e))
            {
                return true;
            }
        }

        return false;
    }
}
