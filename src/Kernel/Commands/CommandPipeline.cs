using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Diagnostics;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Commands;

/// <summary>
/// validate → load → decide → append at the version loaded; a command that loses that race (another writer appended in
/// between) runs again in one transaction that holds the stream's write lock (see <see cref="ICommandStore"/>), as does
/// every command on a stream that saw one recently. Honours idempotency keys and snapshots when the policy says so. Returns a
/// <see cref="CommandResult"/>; only invalid input (<see cref="InvalidInputException"/>) and infrastructure failures throw.
/// </summary>
public sealed class CommandPipeline(
    AggregateRegistry aggregates,
    AggregateRepository repository,
    ICommandStore commands,
    ISnapshotStore snapshots,
    CommandOptions options,
    TimeProvider time,
    ILogger<CommandPipeline> logger,
    IEventProtector? protector = null)
{
    private readonly IEventProtector _protector = protector ?? NoEventProtection.Instance;
    private readonly ContendedStreams _contended = new(options.ContentionMemory, time);

    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>The string-and-JSON form, as HTTP delivers commands: aggregate and command by name, the payload parsed here.</summary>
    public async Task<CommandResult> ExecuteAsync(CommandRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!aggregates.TryGet(request.AggregateType, out var definition))
        {
            return NotFound($"{request.AggregateType}-{request.AggregateId}", $"Unknown aggregate type '{request.AggregateType}'.");
        }

        if (!definition.TryGetCommand(request.Command, out var handler))
        {
            return NotFound($"{request.AggregateType}-{request.AggregateId}", $"Aggregate '{request.AggregateType}' has no command '{request.Command}'.");
        }

        var stream = StreamId.For(definition.Category, request.AggregateId, "id");
        return await ExecuteCoreAsync(definition, handler, stream, handler.Parse(request.Body), request.Context, ct);
    }

    /// <summary>The typed entry, for sagas and code: the command's type names its aggregate.</summary>
    public Task<CommandResult> ExecuteAsync<TCommand>(string aggregateId, TCommand command, CommandContext? context = null, CancellationToken ct = default)
        where TCommand : class, ICommand =>
        ExecuteAsync(aggregateId, (ICommand)command, context, ct);

    /// <inheritdoc cref="ExecuteAsync{TCommand}"/>
    public Task<CommandResult> ExecuteAsync(string aggregateId, ICommand command, CommandContext? context = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!aggregates.TryGetByCommand(command.GetType(), out var definition, out var handler))
        {
            throw new InvalidOperationException($"No registered aggregate handles {command.GetType().Name}.");
        }

        command.Validate();
        return ExecuteCoreAsync(definition, handler, StreamId.For(definition.Category, aggregateId, "id"), command, context ?? CommandContext.None, ct);
    }

    /// <summary>Runs the command under its own span (the SQL spans nest in it) and records its duration and outcome.</summary>
    private async Task<CommandResult> ExecuteCoreAsync(IAggregateDefinition definition, ICommandHandler handler, StreamId stream, ICommand command, CommandContext context, CancellationToken ct)
    {
        using var activity = Telemetry.Source.StartActivity($"command {definition.Category}.{handler.Name}");
        activity?.SetTag("es.aggregate", definition.Category);
        activity?.SetTag("es.command", handler.Name);
        activity?.SetTag("es.stream_id", stream.Value);
        activity?.SetTag(Telemetry.CorrelationIdTag, context.CorrelationId);
        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            var result = await RunAsync(definition, handler, stream, command, context, ct);
            outcome = result.Status switch
            {
                CommandStatus.Succeeded => "succeeded",
                CommandStatus.Rejected => "rejected",
                CommandStatus.Conflict => "conflict",
                CommandStatus.NotFound => "not_found",
                CommandStatus.Deleted => "deleted",
                _ => "idempotency_key_reused",
            };
            if (result.Replayed)
            {
                Telemetry.IdempotentReplays.Add(1, new KeyValuePair<string, object?>("aggregate", definition.Category), new KeyValuePair<string, object?>("command", handler.Name));
            }

            return result;
        }
        finally
        {
            activity?.SetTag("es.outcome", outcome);
            Telemetry.CommandDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("aggregate", definition.Category),
                new KeyValuePair<string, object?>("command", handler.Name),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private async Task<CommandResult> RunAsync(IAggregateDefinition definition, ICommandHandler handler, StreamId stream, ICommand command, CommandContext context, CancellationToken ct)
    {
        var key = CheckKey(context.IdempotencyKey);
        var hash = key is null ? "" : RequestHash(stream, handler.Name, command, context.ExpectedVersion, context.Principal?.Id);

        // A command first reads without the lock and appends at the version it read; one that loses that race decides
        // again under the lock, where writers of the stream wait for each other. So the only reason to go round more
        // than that is a key that a request on another stream recorded meanwhile; the next round finds that record.
        var optimistic = options.OptimisticWrites && !_contended.IsContended(stream.Value);
        int? snapshotSchema = definition.Snapshots ? definition.StateSchemaVersion : null;
        for (var attempt = 1; ; )
        {
            await using var write = optimistic
                ? await commands.ReadAsync(stream, key, snapshotSchema, ct)
                : await commands.BeginAsync(stream, key, snapshotSchema, ct);
            if (write.Earlier is { } earlier)
            {
                return Replay(earlier, hash, stream);
            }

            var loaded = await repository.LoadForWriteAsync(definition, stream, write, ct);
            CommandResult? outcome;
            try
            {
                outcome = await DecideAndCommitAsync(context, handler, command, stream, loaded, write, key, hash, optimistic, ct);
            }
            catch (WrongExpectedVersionException) when (optimistic)
            {
                _contended.Saw(stream.Value);
                Telemetry.CommandWriteRaces.Add(1, new KeyValuePair<string, object?>("aggregate", definition.Category));
                logger.LogDebug("Command {Command} on {StreamId} lost its optimistic write; deciding again under the stream's lock", handler.Name, stream.Value);
                optimistic = false;
                continue;
            }

            if (outcome is not null || ++attempt > options.MaxAttempts)
            {
                return outcome ?? throw new InvalidOperationException($"Idempotency-Key {key} kept being taken by other requests.");
            }
        }
    }

    /// <summary>
    /// Decides on the state read and commits; null when the idempotency key was taken meanwhile (nothing written). An
    /// <paramref name="optimistic"/> write that another writer overtook throws <see cref="WrongExpectedVersionException"/>.
    /// </summary>
    private async Task<CommandResult?> DecideAndCommitAsync(
        CommandContext context, ICommandHandler handler, ICommand command, StreamId stream, LoadedAggregate loaded, ICommandWrite write, string? key, string hash, bool optimistic, CancellationToken ct)
    {
        // First, so a principal refused a stream learns nothing about it (not even that it was deleted).
        if (context.Guard?.Check(loaded.Definition, stream, loaded.State, loaded.Exists, command) is { } refusal)
        {
            return refusal.Hidden
                ? NotFound(stream.Value, $"{stream.Value} does not exist.")
                : new CommandResult { Status = CommandStatus.Forbidden, StreamId = stream.Value, Permission = refusal.Permission, Message = refusal.Message };
        }

        if (loaded.IsDeleted)
        {
            return new CommandResult { Status = CommandStatus.Deleted, StreamId = stream.Value, Version = loaded.Version, Message = $"{stream.Value} has been deleted." };
        }

        if (!loaded.Exists && !handler.Creates)
        {
            return NotFound(stream.Value, $"{stream.Value} does not exist.");
        }

        if (context.ExpectedVersion is { } pinned && !pinned.Accepts(loaded.Version))
        {
            // Counted here; a conflict the store reports is counted by the store.
            Telemetry.Conflicts.Add(1, new KeyValuePair<string, object?>("source", "command"));
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
            return key is null || await write.CommitRecordAsync(Record(key, hash, rejected), ct) ? rejected : null;
        }

        var metadata = new EventMetadata
        {
            CorrelationId = context.CorrelationId ?? commandId,
            CausationId = context.CausationId ?? commandId,
            UserId = context.UserId,
            Principal = context.Principal?.ToRecord(),
        };
        // Personal fields are encrypted here, before anything is stored, snapshotted or cached.
        var eventData = await _protector.ProtectAsync(stream, decision.Events.Select(e => aggregates.Events.ToEventData(e, metadata)).ToList(), ct);
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
            return key is null || await write.CommitRecordAsync(Record(key, hash, result), ct) ? result : null;
        }

        try
        {
            if (await write.CommitAsync(ExpectedVersion.Exactly(loaded.Version), eventData, key is null ? null : Record(key, hash, result), ct) is null)
            {
                return null;
            }
        }
        catch (WrongExpectedVersionException conflict) when (!optimistic)
        {
            // Not expected while the lock is held; reported rather than retried should it ever happen.
            return Conflict(stream, conflict.CurrentVersion);
        }
        catch (StreamDeletedException)
        {
            return new CommandResult { Status = CommandStatus.Deleted, StreamId = stream.Value, Message = $"{stream.Value} has been deleted." };
        }

        // Debug: one line per command at Information was most of the log volume; the command's span and
        // es.command.duration carry the same.
        logger.LogDebug("Command {Command} appended {Count} events to {StreamId} at version {Version}", handler.Name, eventData.Count, stream.Value, result.Version);
        // The write's connection goes back to the pool first: a command that held it while asking the pool for the
        // snapshot's connection would deadlock with as many others as the pool has connections (until its timeout).
        await write.DisposeAsync();
        await MaybeSnapshotAsync(loaded, StoredForm(decision.Events, eventData, loaded.Version), result.Version, ct);
        return result;
    }

    private static CommandResult Replay(IdempotencyRecord earlier, string hash, StreamId stream) =>
        earlier.RequestHash == hash
            ? JsonSerializer.Deserialize<CommandResult>(earlier.Result, EventJson.Options)! with { Replayed = true }
            : new CommandResult
            {
                Status = CommandStatus.IdempotencyKeyReused,
                StreamId = stream.Value,
                Message = "This Idempotency-Key was already used for a different request.",
            };

    /// <summary>The events as stored: when personal fields were encrypted, the snapshot must fold the ciphertext, not the plain values.</summary>
    private IReadOnlyList<object> StoredForm(IReadOnlyList<object> decided, IReadOnlyList<EventData> stored, long before) =>
        stored.All(e => e.Subjects.Count == 0)
            ? decided
            : stored.Select((e, i) => aggregates.Events.Deserialize(new StoredEvent(e.Type, before + i + 1, e.Metadata.SchemaVersion, e.Data))).ToList();

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

    /// <summary>The principal is part of the request: another principal's reuse of a key is a different request, not a replay of the first one's result.</summary>
    private static string RequestHash(StreamId stream, string command, ICommand payload, ExpectedVersion? expected, string? principal)
    {
        var canonical = $"{stream.Value}\n{command}\n{expected}\n{principal}\n{JsonSerializer.Serialize(payload, payload.GetType(), EventJson.Options)}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static CommandResult NotFound(string streamId, string message) =>
        new() { Status = CommandStatus.NotFound, StreamId = streamId, Message = message };

    private static CommandResult Conflict(StreamId stream, long current) => new()
    {
        Status = CommandStatus.Conflict,
        StreamId = stream.Value,
        Version = current,
        CurrentVersion = current,
        Message = $"{stream.Value} is at version {current}.",
    };
}
