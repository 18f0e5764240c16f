using Npgsql;

namespace Serverless.EventSourcing.Postgres;

/// <summary>Failures that go away by trying again: the database away or restarting, or a lost race between transactions.</summary>
public static class PostgresFailures
{
    public static bool IsTransient(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.TooManyConnections
            || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P0", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException => true,
        _ => ex.InnerException is not null && IsTransient(ex.InnerException),
    };

    /// <summary>
    /// The statement does not fit the database (class 42: a missing table, column or function, bad SQL, no
    /// permission): a deployment or code fault that every event would hit alike, not something one event caused.
    /// </summary>
    public static bool IsSchemaFault(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("42", StringComparison.Ordinal),
        _ => ex.InnerException is not null && IsSchemaFault(ex.InnerException),
    };
}
