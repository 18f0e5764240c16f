using Npgsql;
using Serverless.EventSourcing.Maintenance;
using Serverless.EventSourcing.Retention;

namespace Serverless.EventSourcing.Postgres.Maintenance;

/// <summary>The SQL of the snapshot and cleanup jobs: leases, due streams, and bounded deletes.</summary>
public sealed class MaintenanceStore(NpgsqlDataSource dataSource) : IMaintenanceStore
{
    /// <summary>Takes the job's lease unless another run holds it.</summary>
    public async Task<bool> TryLeaseAsync(string job, string owner, TimeSpan lease, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "insert into es_jobs (name, lease_owner, lease_until) values ($1, $2, now() + $3) " +
            "on conflict (name) do update set lease_owner = excluded.lease_owner, lease_until = excluded.lease_until " +
            "where es_jobs.lease_until is null or es_jobs.lease_until < now() returning name");
        command.Parameters.AddWithValue(job);
        command.Parameters.AddWithValue(owner);
        command.Parameters.AddWithValue(lease);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    public async Task ReleaseAsync(string job, string owner)
    {
        await using var command = dataSource.CreateCommand("update es_jobs set lease_owner = null, lease_until = null where name = $1 and lease_owner = $2");
        command.Parameters.AddWithValue(job);
        command.Parameters.AddWithValue(owner);
        await command.ExecuteNonQueryAsync();
    }

    public async Task RecordRunAsync(string job, string owner, string status, DateTimeOffset started, string countsJson, string? error)
    {
        await using var command = dataSource.CreateCommand(
            "insert into es_job_runs (job, owner, status, started_at, finished_at, counts, error) values ($1, $2, $3, $4, now(), $5::json, $6)");
        command.Parameters.AddWithValue(job);
        command.Parameters.AddWithValue(owner);
        command.Parameters.AddWithValue(status);
        command.Parameters.AddWithValue(started);
        command.Parameters.AddWithValue(countsJson);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Last run of each job, for stats.</summary>
    public async Task<IReadOnlyList<JobRunRecord>> LastRunsAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select distinct on (job) job, owner, status, started_at, finished_at, counts::text, error from es_job_runs order by job, id desc");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var runs = new List<JobRunRecord>();
        while (await reader.ReadAsync(ct))
        {
            runs.Add(new JobRunRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return runs;
    }

    /// <summary>Streams of the given categories with at least <paramref name="threshold"/> events since their last snapshot (index: es_streams_snapshot_due_ix).</summary>
    public async Task<IReadOnlyList<string>> StreamsDueForSnapshotAsync(string[] categories, long threshold, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select stream_id from es_streams where category = any($1) and deleted_at is null and version - snapshot_version >= $2 limit $3");
        command.Parameters.AddWithValue(categories);
        command.Parameters.AddWithValue(threshold);
        command.Parameters.AddWithValue(limit);
        return await ReadStringsAsync(command, ct);
    }

    public Task<int> PruneSnapshotsAsync(int keep, int limit, CancellationToken ct) => ExecuteAsync(
        "delete from es_snapshots s using (select stream_id, version from (select stream_id, version, row_number() over (partition by stream_id order by version desc) as rn from es_snapshots) ranked " +
        "where rn > $1 limit $2) old where s.stream_id = old.stream_id and s.version = old.version", ct, keep, limit);

    public Task<int> DeleteExpiredIdempotencyKeysAsync(int limit, CancellationToken ct) => ExecuteAsync(
        "delete from es_idempotency_keys where key in (select key from es_idempotency_keys where expires_at <= now() order by expires_at limit $1)", ct, limit);

    public Task<int> DeleteOldDeadLettersAsync(TimeSpan retention, int limit, CancellationToken ct) => ExecuteAsync(
        "delete from es_dead_letters where id in (select id from es_dead_letters where parked_at < now() - $1 order by id limit $2)", ct, retention, limit);

    public Task<int> DeleteFinishedSagaRunsAsync(TimeSpan retention, int limit, CancellationToken ct) => ExecuteAsync(
        "delete from es_saga_runs where saga_id in (select saga_id from es_saga_runs where status = 'finished' and finished_at < now() - $1 limit $2)", ct, retention, limit);

    public async Task<IReadOnlyList<string>> TombstonesPastRetentionAsync(TimeSpan retention, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select stream_id from es_streams where deleted_at < now() - $1 order by deleted_at limit $2");
        command.Parameters.AddWithValue(retention);
        command.Parameters.AddWithValue(limit);
        return await ReadStringsAsync(command, ct);
    }

    /// <summary>
    /// Hard-deletes a tombstoned stream in one transaction under its append lock: events, archive manifest rows, snapshots,
    /// projection checkpoints and the stream row, recording the purge. Null if it was not purgeable.
    /// </summary>
    public async Task<StreamPurge?> PurgeStreamAsync(string streamId, TimeSpan retention, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(tx, "select pg_advisory_xact_lock(hashtextextended($1, 0))", ct, streamId);
        if (await connection.ScalarAsync<object>(tx, "select deleted_at from es_streams where stream_id = $1 and deleted_at < now() - $2 for update", ct, streamId, retention) is null)
        {
            return null;
        }

        var count = await connection.ScalarAsync<long>(tx, "with gone as (delete from es_events where stream_id = $1 returning 1) select count(*) from gone", ct, streamId);
        var blobs = new List<string>();
        await using (var archived = new NpgsqlCommand("delete from es_archive_segments where stream_id = $1 returning blob_name, event_count", connection, tx))
        {
            archived.Parameters.AddWithValue(streamId);
            await using var reader = await archived.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                blobs.Add(reader.GetString(0));
                count += reader.GetInt32(1);
            }
        }

        await connection.ExecuteAsync(tx, "delete from es_snapshots where stream_id = $1", ct, streamId);
        await connection.ExecuteAsync(tx, "delete from es_projection_checkpoints where stream_id = $1", ct, streamId);
        await connection.ExecuteAsync(tx, "insert into es_purge_log (stream_id, event_count, deleted_at) select stream_id, $2, deleted_at from es_streams where stream_id = $1", ct, streamId, count);
        await connection.ExecuteAsync(tx, "delete from es_streams where stream_id = $1", ct, streamId);
        await tx.CommitAsync(ct);
        return new StreamPurge(count, blobs);
    }

    // The streams a policy reaches, with the rule of StreamPolicy.Keeps in columns: a stream's own fields over its
    // category's ($1-$3); hidden are versions below tb, at or below version - mc, and events older than ma. Aggregates
    // ($4) keep everything above their newest snapshot (cap), which their loads fold from.
    private const string PolicyStreamsSql =
        "with cat as (select * from unnest($1::text[], $2::bigint[], $3::bigint[]) as c(category, max_count, max_age)), " +
        "s as (select st.stream_id, st.version, st.truncate_before as tb, coalesce(st.max_count, cat.max_count) as mc, coalesce(st.max_age_seconds, cat.max_age) as ma, " +
        "case when st.category = any($4) then st.snapshot_version else 9223372036854775807 end as cap " +
        "from es_streams st left join cat on cat.category = st.category " +
        "where st.max_count is not null or st.max_age_seconds is not null or st.truncate_before is not null or cat.category is not null) ";

    public async Task<int> DeleteOutsidePolicyAsync(IReadOnlyDictionary<string, StreamPolicy> categories, IReadOnlyCollection<string> aggregateCategories, int limit, CancellationToken ct)
    {
        await using var command = PolicyCommand(
            PolicyStreamsSql +
            "delete from es_events where global_position in (select e.global_position from s join es_events e on e.stream_id = s.stream_id " +
            "where e.stream_version <= s.cap and (e.stream_version < coalesce(s.tb, 0) or e.stream_version <= s.version - s.mc " +
            "or e.created_at < now() - make_interval(secs => s.ma)) limit $5)",
            categories, aggregateCategories, limit);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<string>> DeleteArchivedOutsidePolicyAsync(
        IReadOnlyDictionary<string, StreamPolicy> categories, IReadOnlyCollection<string> aggregateCategories, int limit, CancellationToken ct)
    {
        // A segment goes when its newest event is hidden (so are all of its others); a segment partly hidden stays.
        await using var command = PolicyCommand(
            PolicyStreamsSql +
            "delete from es_archive_segments a using (select g.stream_id, g.from_version from s join es_archive_segments g on g.stream_id = s.stream_id " +
            "where g.to_version <= s.cap and (g.to_version < coalesce(s.tb, 0) or g.to_version <= s.version - s.mc " +
            "or g.last_created_at < now() - make_interval(secs => s.ma)) limit $5) d " +
            "where a.stream_id = d.stream_id and a.from_version = d.from_version returning a.blob_name",
            categories, aggregateCategories, limit);
        return await ReadStringsAsync(command, ct);
    }

    private NpgsqlCommand PolicyCommand(string sql, IReadOnlyDictionary<string, StreamPolicy> categories, IReadOnlyCollection<string> aggregateCategories, int limit)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(aggregateCategories);
        var command = dataSource.CreateCommand(sql);
        var names = categories.Keys.ToArray();
        command.Parameters.AddWithValue(names);
        command.Parameters.Add(new NpgsqlParameter { Value = names.Select(n => categories[n].MaxCount).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = names.Select(n => categories[n].MaxAge is { } age ? (long?)(long)age.TotalSeconds : null).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.AddWithValue(aggregateCategories.ToArray());
        command.Parameters.AddWithValue(limit);
        return command;
    }

    private static async Task<IReadOnlyList<string>> ReadStringsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken ct, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.AddWithValue(p);
        }

        return await command.ExecuteNonQueryAsync(ct);
    }
}
