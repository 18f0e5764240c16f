using Npgsql;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.EventStore;

public sealed partial class PostgresEventStore
{
    private const string StreamColumns = "stream_id, category, version, created_at, updated_at, deleted_at";

    public async Task<StreamInfo?> GetStreamAsync(StreamId stream, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"select {StreamColumns} from es_streams where stream_id = $1");
        command.Parameters.AddWithValue(stream.Value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadStreamInfo(reader) : null;
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
        // created_at never decreases within a stream (clock_timestamp() under the stream lock), so this is a prefix.
        await using var command = dataSource.CreateCommand(
            "select coalesce(max(stream_version), 0) from es_events where stream_id = $1 and created_at <= $2");
        command.Parameters.AddWithValue(stream.Value);
        command.Parameters.AddWithValue(asOf);
        return (long)(await command.ExecuteScalarAsync(ct))!;
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

    private static StreamInfo ReadStreamInfo(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetInt64(2),
        reader.GetFieldValue<DateTimeOffset>(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
}
