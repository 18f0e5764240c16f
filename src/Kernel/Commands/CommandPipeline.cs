using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Commands;

/// <summary>
/// validate → load → decide → append, retrying on a concurrency conflict, honouring idempotency keys,
/// and snapshotting when the policy says so. Returns a <see cref="CommandResult"/>; only invalid input
/// (<see cref="InvalidInputException"/>) and infrastructure failures throw.
/// </summary>
public sealed class CommandPipeline(
    AggregateRegistry aggregates,
    AggregateRepository repository,
    IEventStore store,
    ICommandStore commands,
    ISnapshotStore snapshots,
    CommandOptions options,
    TimeProvider time,
    ILogger<CommandPipeline> logger)
{
    public const int MaxIdempotencyKeyLength = 200;

    public async Task<CommandResult> ExecuteAsync(CommandRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!aggregates.TryGet(request.AggregateType, out var definition))
        {
            return NotFound(request, $"Unknown aggregate type '{request.AggregateType}'.");
        }

        if (!definition.TryGetCommand(request.Command, out var handler))
        {
            return NotFound(request, $"Aggregate '{request.AggregateType}' has no command '{request.Command}'.");
        }

        var stream = StreamId.For(definition.Category, request.AggregateId, "id");
        var command = handler.Parse(request.Body);
        var key = CheckKey(request.IdempotencyKey);
        var hash = key is null ? "" : RequestHash(stream, handler.Name, command, request.ExpectedVersion);

        for (var attempt = 1; ; attempt++)
        {
            if (key is not null && await commands.FindAsync(key, ct) is { } earlier)
            {
                return earlier.RequestHash == hash
                    ? JsonSerializer.Deserialize<CommandResult>(earlier.Result, EventJson.Options)! with { Replayed = true }
                    : new CommandResult
                    {
                        Status = CommandStatus.IdempotencyKeyReused,
                        StreamId = stream.Value,
                        Message = "This Idempotency-Key was already used for a different request.",
                    };
            }

            var loaded = await repository.LoadAsync(definition, stream, ct: ct);
            var outcome = await TryOnceAsync(request, handler, command, stream, loaded, key, hash, ct);
            if (outcome is not null)
            {
                return outcome;
            }

            if (attempt >= options.MaxAttempts)
            {
                var current = (await store.GetStreamAsync(stream, ct))?.Version ?? 0;
                logger.LogWarning("Command {Command} on {StreamId} gave up after {Attempts} conflicts", handler.Name, stream.Value, attempt);
                return new CommandResult
                {
                    Status = CommandStatus.Conflict,
                    StreamId = stream.Value,
                    Version = current,
                    CurrentVersion = current,
                    Message = $"Concurrent writes kept changing the stream; gave up after {attempt} attempts.",
                };
            }
        }
    }

    /// <summary>One load-decide-append round; null means "conflict, try again" (or "key just taken, look it up").</summary>
    private async Task<CommandResult?> TryOnceAsync(
        CommandRequest request, ICommandHandler handler, ICommand command, StreamId stream, LoadedAggregate loaded, string? key, string hash, CancellationToken ct)
    {
        if (loaded.IsDeleted)
        {
            return new CommandResult { Status = CommandStatus.Deleted, StreamId = stream.Value, Version = loaded.Version, Message = $"{stream.Value} has been deleted." };
        }

        if (!loaded.Exists && !handler.Creates)
        {
            return NotFound(request, $"{stream.Value} does not exist.");
        }

        if (request.ExpectedVersion is { IsExact: true } pinned && pinned.Value != loaded.Version)
        {
            return Conflict(stream, loaded.Version);
        }

        var decision = handler.Decide(loaded.State, command);
        var commandId = Guid.CreateVersion7().ToString();
        if (decision.IsRejected)
        {
            var rejected = new CommandResult
            {
                Status = CommandStatus.Rejected,
                StreamId = stream.Value,
                Version = loaded.Version,
                RuleCode = decision.RuleCode,
                Message = decision.Message,
                CommandId = commandId,
            };
            return key is null || await commands.RecordAsync(Record(key, hash, rejected), ct) ? rejected : null;
        }

        var metadata = new EventMetadata { CorrelationId = request.CorrelationId ?? commandId, CausationId = request.CausationId ?? commandId, UserId = request.UserId };
        var eventData = decision.Events.Select(e => aggregates.Events.ToEventData(e, metadata)).ToList();
        var result = new CommandResult
        {
            Status = CommandStatus.Succeeded,
            StreamId = stream.Value,
            Version = loaded.Version + eventData.Count,
            Events = eventData.Select((e, i) => new CommandEvent(e.EventId, e.Type, loaded.Version + i + 1)).ToList(),
            CommandId = commandId,
        };
        if (eventData.Count == 0)
        {
            return result;
        }

        try
        {
            var expected = ExpectedVersion.Exactly(loaded.Version);
            var appended = key is null
                ? await store.AppendAsync(stream, expected, eventData, ct)
                : await commands.AppendWithKeyAsync(stream, expected, eventData, Record(key, hash, result), ct);
            if (appended is null)
            {
                return null;
            }
        }
        catch (WrongExpectedVersionException conflict) when (request.ExpectedVersion is { IsExact: true })
        {
            return Conflict(stream, conflict.CurrentVersion);
        }
        catch (WrongExpectedVersionException)
        {
            return null;
        }
        catch (StreamDeletedException)
        {
            return new CommandResult { Status = CommandStatus.Deleted, StreamId = stream.Value, Message = $"{stream.Value} has been deleted." };
        }

        logger.LogInformation("Command {Command} appended {Count} events to {StreamId} at version {Version}", handler.Name, eventData.Count, stream.Value, result.Version);
        await MaybeSnapshotAsync(loaded, decision.Events, result.Version, ct);
        return result;
    }

    private async Task MaybeSnapshotAsync(LoadedAggregate loaded, IReadOnlyList<object> newEvents, long version, CancellationToken ct)
    {
        var definition = loaded.Definition;
        if (!definition.Snapshots || !options.SnapshotPolicy.ShouldSnapshot(version - loaded.SnapshotVersion, loaded.SnapshotTakenAt, time.GetUtcNow()))
        {
            return;
        }

        try
        {
            var saved = loaded with { State = AggregateRepository.Fold(definition, loaded.State, newEvents), Version = version };
            await snapshots.SaveAsync(saved.ToSnapshot(time.GetUtcNow()), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The command already succeeded; a missing snapshot only makes the next load slower.
            logger.LogWarning(ex, "Could not snapshot {StreamId} at version {Version}", loaded.StreamId, version);
        }
    }

    private IdempotencyRecord Record(string key, string hash, CommandResult result) =>
        new(key, hash, JsonSerializer.Serialize(result, EventJson.Options), time.GetUtcNow() + options.IdempotencyKeyLifetime);

    private static string? CheckKey(string? key)
    {
        if (key is null)
        {
            return null;
        }

        if (key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(char.IsControl))
        {
            throw new InvalidInputException("Idempotency-Key", $"must be 1 to {MaxIdempotencyKeyLength} printable characters");
        }

        return key;
    }

    private static string RequestHash(StreamId stream, string command, ICommand payload, ExpectedVersion? expected)
    {
        var canonical = $"{stream.Value}\n{command}\n{expected}\n{JsonSerializer.Serialize(payload, payload.GetType(), EventJson.Options)}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static CommandResult NotFound(CommandRequest request, string message) =>
        new() { Status = CommandStatus.NotFound, StreamId = $"{request.AggregateType}-{request.AggregateId}", Message = message };

    private static CommandResult Conflict(StreamId stream, long current) => new()
    {
        Status = CommandStatus.Conflict,
        StreamId = stream.Value,
        Version = current,
        CurrentVersion = current,
        Message = $"{stream.Value} is at version {current}.",
    };
}
