using Serverless.EventSourcing.Archive;
using Npgsql;
using Serverless.EventSourcing.Retention;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

using Serverless.EventSourcing.Postgres.Archive;

namespace Serverless.EventSourcing.Postgres.EventStore;

public sealed partial class PostgresEventStore
{
    private const string StreamColumns = "stream_id, category, version, created_at, updated_at, deleted_at";

    private const string StreamInfoColumns = StreamColumns + ", max_count, max_age_seconds, truncate_before, archived_version, snapshot_version";

    public async Task<StreamInfo?> GetStreamAsync(StreamId stream, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select {StreamInfoColumns} from es_streams where stream_id = $1");
        command.Parameters.AddWithValue(stream.Value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadFullStreamInfo(reader) : null;
    }

    public async Task<StreamInfo?> SetPolicyAsync(StreamId stream, StreamPolicy policy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validated();
        await using var command = dataSource.CreateCommand(
            $"update es_streams set max_count = $2, max_age_seconds = $3, truncate_before = $4 where stream_id = $1 returning {StreamInfoColumns}");
        command.Parameters.AddWithValue(stream.Value);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)policy.MaxCount ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = policy.MaxAge is { } age ? (long)Math.Ceiling(age.TotalSeconds) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)policy.TruncateBefore ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadFullStreamInfo(reader) : null;
    }

    public async Task<IReadOnlySet<string>> DeletedAmongAsync(IReadOnlyCollection<string> streams, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(streams);
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        if (streams.Count == 0)
        {
            return deleted;
        }

        await using var command = dataSource.CreateCommand("select stream_id from es_streams where stream_id = any($1) and deleted_at is not null");
        command.Parameters.AddWithValue(streams.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            deleted.Add(reader.GetString(0));
        }

        return deleted;
    }

    public async Task<long> GetVersionAtAsync(StreamId stream, DateTimeOffset asOf, CancellationToken ct = default)
    {
        // created_at never decreases within a stream (clock_timestamp() under the stream lock), so this is a prefix. Hot
        // events are above archived ones: only when none qualifies does the newest archived segment begun by then answer.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select coalesce(max(stream_version), 0) from es_events where stream_id = $1 and created_at <= $2")
        {
            Parameters = { new() { Value = stream.Value }, new() { Value = asOf } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"select {ArchiveSegmentRows.Columns} from es_archive_segments where stream_id = $1 and first_created_at <= $2 order by from_version desc limit 1")
        {
            Parameters = { new() { Value = stream.Value }, new() { Value = asOf } },
        });
        long hot;
        ArchiveSegment? segment;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            hot = reader.GetInt64(0);
            await reader.NextResultAsync(ct);
            segment = await reader.ReadAsync(ct) ? ArchiveSegmentRows.Read(reader) : null;
        }

        if (hot > 0 || segment is null)
        {
            return hot;
        }

        return segment.LastCreatedAt <= asOf
            ? segment.ToVersion
            : (await _archive.LoadAsync(segment, ct)).Where(e => e.CreatedAt <= asOf).Select(e => e.Version).DefaultIfEmpty(0).Max();
    }

    public async Task<StreamInfo> TombstoneAsync(StreamId stream, ExpectedVersion expected, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select {StreamColumns} from es_tombstone_stream($1, $2)");
        command.Parameters.AddWithValue(stream.Value);
        command.Parameters.AddWithValue(expected.Value);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return ReadStreamInfo(reader);
        }
        catch (PostgresException ex)
        {
            throw StoreErrors.Translate(ex, stream.Value, expected);
        }
    }

    private static StreamInfo ReadFullStreamInfo(NpgsqlDataReader reader) =>
        ReadStreamInfo(reader) with { Policy = ReadPolicy(reader, 6), ArchivedVersion = reader.GetInt64(9), SnapshotVersion = reader.GetInt64(10) };

    private static StreamInfo ReadStreamInfo(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetInt64(2),
        reader.GetFieldValue<DateTimeOffset>(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
}
