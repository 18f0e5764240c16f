using Npgsql;
using Serverless.EventSourcing.Archive;

namespace Serverless.EventSourcing.Postgres.Archive;

/// <summary>The archive job's SQL (migration 0017).</summary>
public sealed class ArchiveCatalog(NpgsqlDataSource dataSource) : IArchiveCatalog
{
    public async Task<IReadOnlyList<ArchiveCandidate>> CandidatesAsync(IReadOnlyCollection<string> categories, TimeSpan untouchedFor, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(categories);
        await using var command = dataSource.CreateCommand(
            "select stream_id, category, version, archived_version, snapshot_version from es_streams " +
            "where category = any($1) and deleted_at is null and updated_at <= now() - $2 and version > archived_version order by updated_at limit $3");
        command.Parameters.AddWithValue(categories.ToArray());
        command.Parameters.AddWithValue(untouchedFor);
        command.Parameters.AddWithValue(limit);
        var candidates = new List<ArchiveCandidate>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            candidates.Add(new ArchiveCandidate(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return candidates;
    }

    public async Task<ArchiveRows> ReadEventsAsync(string streamId, long fromVersion, long toVersion, CancellationToken ct)
    {
        // Below the log horizon only: an event a log reader could not see yet must not leave the table it reads first.
        // The horizon is computed once (it reads pg_locks), and rows above it are reported rather than skipped.
        await using var command = dataSource.CreateCommand(
            "with h as materialized (select es_log_horizon() as horizon) " +
            "select global_position, tx_id, event_id, stream_id, stream_version, category, event_type, schema_version, data::text, metadata::text, correlation_id, principal, created_at, tx_id < h.horizon " +
            "from es_events, h where stream_id = $1 and stream_version between $2 and $3 order by stream_version");
        command.Parameters.AddWithValue(streamId);
        command.Parameters.AddWithValue(fromVersion);
        command.Parameters.AddWithValue(toVersion);
        var events = new List<ArchivedEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (reader.GetInt64(4) != fromVersion + events.Count)
            {
                break;
            }

            if (!reader.GetBoolean(13))
            {
                return new ArchiveRows(events, HeldBack: true);
            }

            events.Add(new ArchivedEvent(
                reader.GetInt64(0), reader.GetFieldValue<ulong>(1), reader.GetGuid(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5), reader.GetString(6),
                reader.GetInt32(7), reader.GetString(8), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.GetFieldValue<DateTimeOffset>(12)));
        }

        return new ArchiveRows(events, HeldBack: false);
    }

    public async Task<bool> CommitSegmentAsync(ArchiveSegment segment, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(segment);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var move = new NpgsqlCommand("update es_streams set archived_version = $3 where stream_id = $1 and archived_version = $2 - 1", connection, tx))
        {
            move.Parameters.AddWithValue(segment.StreamId);
            move.Parameters.AddWithValue(segment.FromVersion);
            move.Parameters.AddWithValue(segment.ToVersion);
            if (await move.ExecuteNonQueryAsync(ct) != 1)
            {
                return false;
            }
        }

        await using (var delete = new NpgsqlCommand("delete from es_events where stream_id = $1 and stream_version between $2 and $3", connection, tx))
        {
            delete.Parameters.AddWithValue(segment.StreamId);
            delete.Parameters.AddWithValue(segment.FromVersion);
            delete.Parameters.AddWithValue(segment.ToVersion);
            var deleted = await delete.ExecuteNonQueryAsync(ct);
            if (deleted != segment.EventCount)
            {
                throw new InvalidOperationException(
                    $"Archiving {segment.StreamId} {segment.FromVersion}-{segment.ToVersion} would delete {deleted} rows, the segment holds {segment.EventCount}; nothing was changed.");
            }
        }

        await using (var insert = new NpgsqlCommand(
            $"insert into es_archive_segments ({ArchiveSegmentRows.Columns}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", connection, tx))
        {
            insert.Parameters.AddWithValue(segment.StreamId);
            insert.Parameters.AddWithValue(segment.FromVersion);
            insert.Parameters.AddWithValue(segment.ToVersion);
            insert.Parameters.AddWithValue(segment.Category);
            insert.Parameters.AddWithValue(segment.EventCount);
            insert.Parameters.AddWithValue(segment.MinPosition);
            insert.Parameters.AddWithValue(segment.MaxPosition);
            insert.Parameters.Add(new NpgsqlParameter { Value = segment.MinTx, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Xid8 });
            insert.Parameters.Add(new NpgsqlParameter { Value = segment.MaxTx, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Xid8 });
            insert.Parameters.AddWithValue(segment.FirstCreatedAt);
            insert.Parameters.AddWithValue(segment.LastCreatedAt);
            insert.Parameters.AddWithValue(segment.BlobName);
            insert.Parameters.AddWithValue(segment.Sha256);
            await insert.ExecuteNonQueryAsync(ct);
        }

        if (beforeCommit is not null)
        {
            await beforeCommit(ct);
        }

        await tx.CommitAsync(ct);
        return true;
    }
}
