using Npgsql;
using NpgsqlTypes;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.EventStore;

/// <summary>What one item of <c>es_append_batch</c> came to: a result, a refusal, or "busy" (its stream was held elsewhere).</summary>
internal readonly record struct AppendOutcome(AppendResult? Result, EventSourcingException? Error)
{
    public bool Busy => Result is null && Error is null;
}

/// <summary>Several appends as one call of <c>es_append_batch</c>: the parameters, and each item's outcome from its rows.</summary>
internal static class AppendBatch
{
    public const string Sql =
        "select item, appended_version, appended_position, was_duplicate, appended_at, error_state, error_constraint, error_hint " +
        "from es_append_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

    private const string Busy = "busy";

    /// <param name="wait">Wait for streams other transactions hold (atomic appends) rather than answer "busy".</param>
    public static void AddParameters(NpgsqlParameterCollection parameters, IReadOnlyList<PendingAppend> items, bool wait)
    {
        var subjects = items.Select(i => PostgresEventStore.Subjects(i.Events)).ToList();
        parameters.AddWithValue(items.Select(i => i.Stream.Value).ToArray());
        parameters.AddWithValue(items.Select(i => i.Stream.Category).ToArray());
        parameters.AddWithValue(items.Select(i => i.Expected.Value).ToArray());
        parameters.AddWithValue(items.Select(i => i.Events.Count).ToArray());
        PostgresEventStore.AddEventColumns(parameters, items.SelectMany(i => i.Events).ToArray(), items.SelectMany(i => i.Metadata).ToArray());
        parameters.Add(new NpgsqlParameter { Value = subjects.SelectMany(s => s).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.AddWithValue(subjects.Select(s => s.Length).ToArray());
        parameters.AddWithValue(wait);
    }

    public static async Task<AppendOutcome[]> ExecuteAsync(NpgsqlCommand command, IReadOnlyList<PendingAppend> items, CancellationToken ct)
    {
        var positions = new List<long>[items.Count];
        var createdAt = new List<DateTimeOffset>[items.Count];
        var versions = new long[items.Count];
        var duplicates = new bool[items.Count];
        var outcomes = new AppendOutcome[items.Count];
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var i = reader.GetInt32(0) - 1;
                if (!reader.IsDBNull(5))
                {
                    var state = reader.GetString(5);
                    outcomes[i] = state == Busy
                        ? default
                        : new AppendOutcome(null, StoreErrors.Translate(state, reader.IsDBNull(6) ? null : reader.GetString(6),
                              reader.IsDBNull(7) ? null : reader.GetString(7), items[i].Stream.Value, items[i].Expected)
                            ?? throw new InvalidOperationException($"es_append_batch returned unexpected state {state}"));
                    continue;
                }

                (positions[i] ??= new List<long>(items[i].Events.Count)).Add(reader.GetInt64(2));
                (createdAt[i] ??= new List<DateTimeOffset>(items[i].Events.Count)).Add(reader.GetFieldValue<DateTimeOffset>(4));
                versions[i] = reader.GetInt64(1);
                duplicates[i] = reader.GetBoolean(3);
            }
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (positions[i] is { } p)
            {
                outcomes[i] = new AppendOutcome(new AppendResult(versions[i], p, duplicates[i], createdAt[i]), null);
            }
        }

        return outcomes;
    }
}
