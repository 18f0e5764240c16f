using Npgsql;
using NpgsqlTypes;
using Serverless.EventSourcing.PersonalData;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Postgres.PersonalData;

/// <summary>Wrapped subject keys in <c>es_subject_keys</c>, erasure through <c>es_erase_subject</c> (migration 0015).</summary>
public sealed class PostgresSubjectKeys(NpgsqlDataSource dataSource) : ISubjectKeyStore
{
    public Task<IReadOnlyDictionary<string, SubjectKeyState>> GetAsync(IReadOnlyCollection<string> subjects, CancellationToken ct) =>
        OnceMoreIfBrokenAsync(() => ReadAsync(subjects, ct), ct);

    private async Task<IReadOnlyDictionary<string, SubjectKeyState>> ReadAsync(IReadOnlyCollection<string> subjects, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var found = new Dictionary<string, SubjectKeyState>(StringComparer.Ordinal);
        if (subjects.Count == 0)
        {
            return found;
        }

        // One subject, the usual case, by equality: PostgreSQL plans "= any($1)" again on every execution (the generic
        // plan cannot know the array's length), which cost more than the lookup itself (33 µs against 8).
        var one = subjects.Count == 1;
        await using var command = dataSource.CreateCommand(
            "select subject, master_version, wrapped_key, erased_at from es_subject_keys where subject = " + (one ? "$1" : "any($1)"));
        command.Parameters.Add(one
            ? new NpgsqlParameter { Value = subjects.First(), NpgsqlDbType = NpgsqlDbType.Text }
            : new NpgsqlParameter { Value = subjects.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found[reader.GetString(0)] = Read(reader);
        }

        return found;
    }

    public Task<SubjectKeyState> CreateAsync(WrappedSubjectKey key, CancellationToken ct) => OnceMoreIfBrokenAsync(() => InsertAsync(key, ct), ct);

    private async Task<SubjectKeyState> InsertAsync(WrappedSubjectKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var command = dataSource.CreateCommand(
            "with ins as (insert into es_subject_keys (subject, master_version, wrapped_key) values ($1, $2, $3) on conflict (subject) do nothing returning subject, master_version, wrapped_key, erased_at) " +
            "select subject, master_version, wrapped_key, erased_at from ins union all " +
            "select subject, master_version, wrapped_key, erased_at from es_subject_keys where subject = $1 and not exists (select 1 from ins)");
        command.Parameters.AddWithValue(key.Subject);
        command.Parameters.AddWithValue(key.MasterVersion);
        command.Parameters.AddWithValue(key.WrappedKey);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                return Read(reader);
            }
        }

        // Another instance's insert of the same subject won the conflict while this statement ran: its snapshot predates
        // that commit, so the row is read again by a statement of its own.
        return (await ReadAsync([key.Subject], ct)).GetValueOrDefault(key.Subject) ?? SubjectKeyState.Unknown;
    }

    public async Task<SubjectErasure> EraseAsync(string subject, IReadOnlyList<IPersonalDataProjection> scrubbers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scrubbers);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        SubjectErasure erasure;
        await using (var command = new NpgsqlCommand("select had_key, erased_before, streams from es_erase_subject($1)", connection, transaction))
        {
            command.Parameters.AddWithValue(subject);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            erasure = new SubjectErasure(reader.GetBoolean(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<string[]>(2));
        }

        foreach (var projection in scrubbers)
        {
            await projection.ScrubAsync(subject, new PostgresReadModelSession(connection, transaction, deferWrites: false), ct);
            // A rebuild under way copies rows into its shadow tables: the swap must not bring the subject back.
            var shadows = await ShadowsAsync(connection, transaction, projection, ct);
            if (shadows.Count > 0)
            {
                await projection.ScrubAsync(subject, new PostgresReadModelSession(connection, transaction, deferWrites: false, t => shadows.GetValueOrDefault(t, t)), ct);
            }
        }

        await transaction.CommitAsync(ct);
        return erasure;
    }

    private static async Task<Dictionary<string, string>> ShadowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IProjection projection, CancellationToken ct)
    {
        var shadows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in projection.Tables)
        {
            var shadow = ProjectionRebuilder.ShadowName(table);
            await using var command = new NpgsqlCommand("select to_regclass($1) is not null", connection, transaction);
            command.Parameters.AddWithValue(shadow);
            if ((bool)(await command.ExecuteScalarAsync(ct))!)
            {
                shadows[table] = shadow;
            }
        }

        return shadows;
    }

    public async Task<IReadOnlyList<WrappedSubjectKey>> WrappedOtherThanAsync(int current, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select subject, master_version, wrapped_key from es_subject_keys where wrapped_key is not null and master_version <> $1 order by subject limit $2");
        command.Parameters.AddWithValue(current);
        command.Parameters.AddWithValue(limit);
        var keys = new List<WrappedSubjectKey>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            keys.Add(new WrappedSubjectKey(reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<byte[]>(2)));
        }

        return keys;
    }

    public async Task<int> ReplaceAsync(IReadOnlyList<WrappedSubjectKey> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await using var command = dataSource.CreateCommand(
            "update es_subject_keys k set master_version = u.v, wrapped_key = u.w from unnest($1::text[], $2::int[], $3::bytea[]) as u(s, v, w) " +
            "where k.subject = u.s and k.wrapped_key is not null");
        command.Parameters.AddWithValue(keys.Select(k => k.Subject).ToArray());
        command.Parameters.AddWithValue(keys.Select(k => k.MasterVersion).ToArray());
        command.Parameters.AddWithValue(keys.Select(k => k.WrappedKey).ToArray());
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyDictionary<int, long>> MasterVersionsInUseAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select master_version, count(*) from es_subject_keys where wrapped_key is not null group by master_version");
        var versions = new Dictionary<int, long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            versions[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return versions;
    }

    public async Task<IReadOnlyDictionary<int, byte[]>> MasterChecksAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("select version, check_value from es_master_key_checks");
        var checks = new Dictionary<int, byte[]>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            checks[reader.GetInt32(0)] = reader.GetFieldValue<byte[]>(1);
        }

        return checks;
    }

    public async Task<byte[]> AddMasterCheckAsync(int version, byte[] check, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "with ins as (insert into es_master_key_checks (version, check_value) values ($1, $2) on conflict (version) do nothing returning check_value) " +
            "select check_value from ins union all select check_value from es_master_key_checks where version = $1 and not exists (select 1 from ins)");
        command.Parameters.AddWithValue(version);
        command.Parameters.AddWithValue(check);
        return (byte[])(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Both are safe to repeat. A pooled connection that sat idle through a server restart fails on its first use; the
    /// pool is cleared by that failure, so a second try gets a new connection instead of answering 503.
    /// </summary>
    private async Task<T> OnceMoreIfBrokenAsync<T>(Func<Task<T>> operation, CancellationToken ct)
    {
        try
        {
            return await operation();
        }
        catch (NpgsqlException ex) when (ex.IsTransient && !ct.IsCancellationRequested)
        {
            dataSource.Clear();
            return await operation();
        }
    }

    private static SubjectKeyState Read(NpgsqlDataReader reader) => new(
        reader.IsDBNull(2) ? null : new WrappedSubjectKey(reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<byte[]>(2)),
        reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3));
}
