using Npgsql;
using NpgsqlTypes;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.EventStore;

public sealed partial class PostgresEventStore
{
    internal const string AppendSql =
        "select appended_version, appended_position, was_duplicate, appended_at from es_append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

    /// <summary>
    /// Appends on its own, through the group-commit writer: alone when no other append is in flight, else in one
    /// transaction with the appends that arrived meanwhile, each still checked on its own and answered on its own.
    /// </summary>
    public Task<AppendResult> AppendAsync(StreamId stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken ct = default) =>
        AppendAsync(stream, expected, events, AppendMetrics.Append, ct);

    /// <param name="conflictSource">What a version conflict is counted as in <c>es.concurrency.conflicts</c>.</param>
    internal async Task<AppendResult> AppendAsync(StreamId stream, ExpectedVersion expected, IReadOnlyList<EventData> events, string conflictSource, CancellationToken ct)
    {
        var metadata = AppendValidator.Validate(events, limits);
        if (writer is null)
        {
            return await AppendCoreAsync(dataSource.CreateCommand(AppendSql), stream, expected, events, metadata, committed: true, ct, conflictSource);
        }

        ct.ThrowIfCancellationRequested();
        return await writer.SubmitAsync(new PendingAppend(stream, expected, events, metadata, ct, conflictSource));
    }

    /// <summary>
    /// Appends as the first write of a transaction the caller owns, so other writes (an idempotency
    /// record, a saga's state) commit or roll back with the events.
    /// </summary>
    public Task<AppendResult> AppendAsync(NpgsqlTransaction transaction, StreamId stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var metadata = AppendValidator.Validate(events, limits);
        return AppendCoreAsync(new NpgsqlCommand(AppendSql, transaction.Connection, transaction), stream, expected, events, metadata, committed: false, ct);
    }

    /// <param name="committed">True when the append commits on its own, so waiting readers can be woken now.</param>
    private async Task<AppendResult> AppendCoreAsync(NpgsqlCommand command, StreamId stream, ExpectedVersion expected, IReadOnlyList<EventData> events, string[] metadata, bool committed, CancellationToken ct, string conflictSource = AppendMetrics.Append)
    {
        await using var _ = command;
        AddAppendParameters(command.Parameters, stream, expected, events, metadata);
        var started = AppendMetrics.Start();
        try
        {
            var result = await ReadAppendResultAsync(command, events.Count, ct);
            AppendMetrics.Succeeded(started, result, events.Count, committed);
            if (committed)
            {
                Announce(stream, events, metadata, result);
            }

            return result;
        }
        catch (PostgresException ex)
        {
            var error = StoreErrors.Translate(ex, stream.Value, expected);
            AppendMetrics.Failed(started, error, conflictSource);
            throw error;
        }
    }

    /// <summary>Tells in-process listeners about a committed append (wakes catch-up loops; hands events to the Kafka fast path).</summary>
    internal void Announce(StreamId stream, IReadOnlyList<EventData> events, string[] metadata, AppendResult result)
    {
        if (signal is null)
        {
            return;
        }

        if (!signal.WantsEvents || result.WasDuplicate || result.CreatedAt is not { } createdAt)
        {
            signal.Pulse();
            return;
        }

        var envelopes = new EventEnvelope[events.Count];
        var first = result.NextExpectedVersion - events.Count + 1;
        for (var i = 0; i < envelopes.Length; i++)
        {
            var e = events[i];
            envelopes[i] = new EventEnvelope(e.EventId, stream.Value, stream.Category, e.Type, first + i, result.Positions[i], e.Data, metadata[i],
                e.Metadata.SchemaVersion, e.Metadata.CorrelationId, createdAt[i]);
        }

        signal.Pulse(envelopes);
    }

    /// <summary>Adds the eleven parameters of <c>es_append_events</c>.</summary>
    internal static void AddAppendParameters(NpgsqlParameterCollection parameters, StreamId stream, ExpectedVersion expected, IReadOnlyList<EventData> events, string[] metadata)
    {
        parameters.AddWithValue(stream.Value);
        parameters.AddWithValue(stream.Category);
        parameters.AddWithValue(expected.Value);
        AddEventColumns(parameters, events, metadata);
        parameters.Add(new NpgsqlParameter { Value = Subjects(events), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
    }

    /// <summary>The per-event arrays both append functions take: ids, types, schema versions, data, metadata, correlation ids, principals.</summary>
    internal static void AddEventColumns(NpgsqlParameterCollection parameters, IReadOnlyList<EventData> events, string[] metadata)
    {
        var count = events.Count;
        var ids = new Guid[count];
        var types = new string[count];
        var schemaVersions = new int[count];
        var data = new string[count];
        var correlationIds = new string?[count];
        var principals = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var e = events[i];
            ids[i] = e.EventId;
            types[i] = e.Type;
            schemaVersions[i] = e.Metadata.SchemaVersion;
            data[i] = e.Data;
            correlationIds[i] = e.Metadata.CorrelationId;
            principals[i] = e.Metadata.Principal?.Id;
        }

        parameters.AddWithValue(ids);
        parameters.AddWithValue(types);
        parameters.AddWithValue(schemaVersions);
        parameters.Add(new NpgsqlParameter { Value = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json });
        parameters.Add(new NpgsqlParameter { Value = metadata, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json });
        parameters.Add(new NpgsqlParameter { Value = correlationIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = principals, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
    }

    /// <summary>Every subject whose key encrypted a field of the batch (most batches: none).</summary>
    internal static string[] Subjects(IReadOnlyList<EventData> events)
    {
        if (events.All(e => e.Subjects.Count == 0))
        {
            return [];
        }

        return [.. events.SelectMany(e => e.Subjects).Distinct(StringComparer.Ordinal)];
    }

    private static async Task<AppendResult> ReadAppendResultAsync(NpgsqlCommand command, int count, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await ReadAppendResultAsync(reader, count, ct);
    }

    /// <summary>Reads the rows <c>es_append_events</c> returns (the reader's current result).</summary>
    internal static async Task<AppendResult> ReadAppendResultAsync(NpgsqlDataReader reader, int count, CancellationToken ct)
    {
        var positions = new List<long>(count);
        var createdAt = new List<DateTimeOffset>(count);
        long version = 0;
        var duplicate = false;
        while (await reader.ReadAsync(ct))
        {
            version = reader.GetInt64(0);
            positions.Add(reader.GetInt64(1));
            duplicate = reader.GetBoolean(2);
            createdAt.Add(reader.GetFieldValue<DateTimeOffset>(3));
        }

        return new AppendResult(version, positions, duplicate, createdAt);
    }
}
