using Npgsql;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>Undecodable delivered messages in <c>es_parked_messages</c>, once per source.</summary>
public sealed class PostgresParkedMessages(NpgsqlDataSource dataSource) : IParkedMessages
{
    public async Task ParkAsync(ParkedMessage message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var command = dataSource.CreateCommand(
            "insert into es_parked_messages (source, message, error) values ($1, $2, $3) on conflict (source) do nothing");
        command.Parameters.AddWithValue(message.Source);
        command.Parameters.AddWithValue(message.Message);
        command.Parameters.AddWithValue(message.Error);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("select count(*) from es_parked_messages");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
