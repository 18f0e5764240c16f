using System.Globalization;
using Npgsql;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.EventStore;

/// <summary>
/// Turns the store's SQLSTATEs into typed errors; never looks at message text. The current version
/// travels in HINT because Npgsql redacts DETAIL unless the connection string opts in.
/// </summary>
internal static class StoreErrors
{
    public const string WrongExpectedVersion = "ES001";
    public const string StreamDeleted = "ES002";
    public const string DuplicateEventId = "ES003";
    public const string StreamNotFound = "ES004";
    public const string SubjectErased = "ES007";

    public static Exception Translate(PostgresException ex, string streamId, ExpectedVersion expected) =>
        (Exception?)Translate(ex.SqlState, ex.ConstraintName, ex.Hint, streamId, expected) ?? ex;

    /// <summary>The typed error for one refusal, also for the per-item rows of <c>es_append_batch</c>; null for any other state.</summary>
    public static EventSourcingException? Translate(string state, string? constraint, string? hint, string streamId, ExpectedVersion expected)
    {
        var current = long.TryParse(hint, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : -1;
        return state switch
        {
            WrongExpectedVersion => new WrongExpectedVersionException(streamId, expected, current),
            StreamDeleted => new StreamDeletedException(streamId),
            DuplicateEventId => new DuplicateEventIdException(streamId, current),
            StreamNotFound => new StreamNotFoundException(streamId),
            SubjectErased => new SubjectErasedException(streamId),
            PostgresErrorCodes.UniqueViolation when constraint == "es_events_event_id_uk" => new DuplicateEventIdException(streamId, current),
            // Only reachable when the caller's snapshot was older than the stream (repeatable read).
            PostgresErrorCodes.UniqueViolation when constraint == "es_events_stream_version_uk" => new WrongExpectedVersionException(streamId, expected, current),
            _ => null,
        };
    }
}
