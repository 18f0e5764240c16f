using System.Text.Json.Serialization;

namespace Serverless.EventSourcing.Commands;

public enum CommandStatus
{
    Succeeded,
    NotFound,
    Rejected,
    Conflict,
    Deleted,
    IdempotencyKeyReused,

    /// <summary>The principal may not run this command here (<see cref="CommandResult.Permission"/> names what it lacks).</summary>
    Forbidden,
}

/// <summary>The outcome of a command; hosts map <see cref="Status"/> to a response without try/catch.</summary>
public sealed record CommandResult
{
    public required CommandStatus Status { get; init; }

    public required string StreamId { get; init; }

    /// <summary>The stream version after the command (or the current one when nothing was written).</summary>
    public long Version { get; init; }

    public IReadOnlyList<CommandEvent> Events { get; init; } = [];

    /// <summary>The rule code when <see cref="CommandStatus.Rejected"/> (for example <c>insufficient_funds</c>).</summary>
    public string? RuleCode { get; init; }

    public string? Message { get; init; }

    /// <summary>Set on conflicts: the version the stream is at.</summary>
    public long? CurrentVersion { get; init; }

    /// <summary>Set when <see cref="CommandStatus.Forbidden"/>: the permission the principal lacks.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Permission { get; init; }

    /// <summary>The causation id stamped on the events this command produced.</summary>
    public string? CommandId { get; init; }

    /// <summary>True when this is the stored result of an earlier request with the same idempotency key.</summary>
    [JsonIgnore]
    public bool Replayed { get; init; }

    public bool Succeeded => Status == CommandStatus.Succeeded;
}

public sealed record CommandEvent(Guid EventId, string Type, long Version);
