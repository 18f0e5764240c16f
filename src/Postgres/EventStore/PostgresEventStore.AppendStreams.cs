using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.EventStore;

public sealed partial class PostgresEventStore
{
    public async Task<IReadOnlyList<AppendResult>> AppendStreamsAsync(IReadOnlyList<StreamAppend> appends, CancellationToken ct = default)
    {
        var items = ValidateStreams(appends, ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        AppendOutcome[] outcomes;
        await using (var command = new Npgsql.NpgsqlCommand(AppendBatch.Sql, connection, transaction))
        {
            AppendBatch.AddParameters(command.Parameters, items, wait: true);
            outcomes = await AppendBatch.ExecuteAsync(command, items, ct);
        }

        var refusals = outcomes
            .Select((o, i) => o.Error is { } error ? new StreamRefusal(i, items[i].Stream.Value, error) : null)
            .OfType<StreamRefusal>()
            .ToList();
        if (refusals.Count > 0)
        {
            await transaction.RollbackAsync(ct);
            foreach (var refusal in refusals)
            {
                AppendMetrics.Failed(items[refusal.Index].Started, refusal.Error);
            }

            throw new MultiStreamAppendException(refusals);
        }

        await transaction.CommitAsync(ct);
        var results = new AppendResult[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            results[i] = outcomes[i].Result!;
            AppendMetrics.Succeeded(items[i].Started, results[i], items[i].Events.Count, committed: true);
            Announce(items[i].Stream, items[i].Events, items[i].Metadata, results[i]);
        }

        return results;
    }

    private List<PendingAppend> ValidateStreams(IReadOnlyList<StreamAppend>? appends, CancellationToken ct)
    {
        if (appends is null || appends.Count == 0)
        {
            throw new InvalidInputException("appends", "at least one stream is required");
        }

        if (appends.Count > limits.MaxStreamsPerAppend)
        {
            throw new InvalidInputException("appends", $"at most {limits.MaxStreamsPerAppend} streams may be appended to at once, got {appends.Count}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var items = new List<PendingAppend>(appends.Count);
        var total = 0;
        for (var i = 0; i < appends.Count; i++)
        {
            var append = appends[i] ?? throw new InvalidInputException($"appends[{i}]", "append is missing");
            if (!seen.Add(append.Stream.Value))
            {
                throw new InvalidInputException($"appends[{i}].streamId", $"stream {append.Stream.Value} appears twice; put all its events in one entry");
            }

            string[] metadata;
            try
            {
                metadata = AppendValidator.Validate(append.Events, limits);
            }
            catch (InvalidInputException ex)
            {
                throw new InvalidInputException($"appends[{i}].{ex.Field}", ex.Reason);
            }

            total += append.Events.Count;
            if (total > limits.MaxEventsPerAppend)
            {
                throw new InvalidInputException("appends", $"at most {limits.MaxEventsPerAppend} events may be appended at once, across all streams");
            }

            items.Add(new PendingAppend(append.Stream, append.Expected, append.Events, metadata, ct));
        }

        return items;
    }
}
