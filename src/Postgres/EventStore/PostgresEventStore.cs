using Npgsql;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Postgres.Archive;
using Serverless.EventSourcing.Retention;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.EventStore;

/// <summary>The PostgreSQL event store. Split by concern into partial files.</summary>
/// <param name="signal">Pulsed after every committed append, to wake local catch-up loops at once.</param>
/// <param name="archive">Reads archived segments (null: a reader without storage, which fails on archived streams).</param>
/// <param name="retention">Category retention policies (null: none).</param>
public sealed partial class PostgresEventStore(
    NpgsqlDataSource dataSource,
    EventStoreLimits limits,
    Serverless.EventSourcing.Projections.AppendSignal? signal = null,
    ArchiveReader? archive = null,
    RetentionPolicies? retention = null,
    TimeProvider? time = null) : IEventStore
{
    private readonly ArchiveReader _archive = archive ?? new ArchiveReader(dataSource, null, 1);
    private readonly RetentionPolicies _retention = retention ?? RetentionPolicies.None;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    internal const string EnvelopeColumns =
        "event_id, stream_id, category, event_type, stream_version, global_position, data::text, metadata::text, schema_version, correlation_id, created_at";

    public PostgresEventStore(NpgsqlDataSource dataSource)
        : this(dataSource, new EventStoreLimits())
    {
    }

    internal Serverless.EventSourcing.Projections.AppendSignal? Signal => signal;

    internal EventStoreLimits Limits => limits;

    /// <summary>Reads a row selected with <see cref="EnvelopeColumns"/> (starting at <paramref name="offset"/>).</summary>
    internal static EventEnvelope ReadEnvelope(NpgsqlDataReader reader, int offset = 0) => new(
        reader.GetGuid(offset),
        reader.GetString(offset + 1),
        reader.GetString(offset + 2),
        reader.GetString(offset + 3),
        reader.GetInt64(offset + 4),
        reader.GetInt64(offset + 5),
        reader.GetString(offset + 6),
        reader.GetString(offset + 7),
        reader.GetInt32(offset + 8),
        reader.IsDBNull(offset + 9) ? null : reader.GetString(offset + 9),
        reader.GetFieldValue<DateTimeOffset>(offset + 10));

    private static async Task<List<EventEnvelope>> ReadEnvelopesAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var events = new List<EventEnvelope>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            events.Add(ReadEnvelope(reader));
        }

        return events;
    }

    private int CheckLimit(int limit, string field = "limit") =>
        limit >= 1 && limit <= limits.MaxReadLimit
            ? limit
            : throw new InvalidInputException(field, $"limit must be between 1 and {limits.MaxReadLimit}");
}
