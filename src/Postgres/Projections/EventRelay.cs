using Microsoft.Extensions.Logging;
using Npgsql;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>
/// Moves events from the log to a publisher (Kafka in Azure): reads gap-safely from its cursor, hands a
/// batch to the publisher, and moves the cursor only after the publisher confirmed. A crash anywhere
/// means a batch is published again, never lost; the projection dispatcher makes repeats harmless.
/// </summary>
public sealed class EventRelay(NpgsqlDataSource dataSource, IEventStore store, IEventPublisher publisher, ILogger<EventRelay> logger)
{
    public const string DefaultName = "kafka";

    /// <summary>Relays batches until caught up or <paramref name="budget"/> is spent.</summary>
    /// <returns>Events confirmed by the publisher in this run.</returns>
    public async Task<int> RunAsync(TimeSpan budget, TimeSpan publishTimeout, int batchSize = 500, string name = DefaultName, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + budget;
        var relayed = 0;
        var cursor = await ReadCursorAsync(name, ct);
        while (DateTime.UtcNow < deadline)
        {
            var slice = await store.ReadLogAsync(cursor, batchSize, ct);
            if (slice.Events.Count == 0)
            {
                break;
            }

            // Throws on failure or timeout: the cursor stays, the next run publishes this batch again.
            await publisher.PublishAsync(slice.Events, ct).WaitAsync(publishTimeout, ct);
            await SaveCursorAsync(name, cursor, slice.Next, ct);
            cursor = slice.Next;
            relayed += slice.Events.Count;
        }

        if (relayed > 0)
        {
            logger.LogInformation("Relayed {Count} events; cursor at {Position}", relayed, cursor.Position);
        }

        return relayed;
    }

    public async Task<LogCursor> ReadCursorAsync(string name = DefaultName, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "insert into es_relay_cursors (name) values ($1) on conflict (name) do update set name = excluded.name returning cursor_tx, position");
        command.Parameters.AddWithValue(name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new LogCursor(reader.GetFieldValue<ulong>(0), reader.GetInt64(1));
    }

    private async Task SaveCursorAsync(string name, LogCursor from, LogCursor to, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "update es_relay_cursors set cursor_tx = $4, position = $5, updated_at = now() where name = $1 and cursor_tx = $2 and position = $3");
        command.Parameters.AddWithValue(name);
        command.Parameters.Add(ProjectionCatchUp.Xid(from.TransactionId));
        command.Parameters.AddWithValue(from.Position);
        command.Parameters.Add(ProjectionCatchUp.Xid(to.TransactionId));
        command.Parameters.AddWithValue(to.Position);
        if (await command.ExecuteNonQueryAsync(ct) != 1)
        {
            // Two relays ran at once; the other one's cursor stands (duplicates downstream are harmless).
            logger.LogWarning("Relay cursor {Name} was moved by another run", name);
        }
    }
}
