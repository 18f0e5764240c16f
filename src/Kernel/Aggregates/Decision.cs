namespace Serverless.EventSourcing.Aggregates;

/// <summary>What a command handler decided: new events, or a business-rule rejection with a stable code.</summary>
public sealed record Decision
{
    private Decision(IReadOnlyList<object> events, string? code, string? message)
    {
        Events = events;
        RuleCode = code;
        Message = message;
    }

    public IReadOnlyList<object> Events { get; }

    /// <summary>Machine-readable rule code (for example <c>insufficient_funds</c>) when rejected.</summary>
    public string? RuleCode { get; }

    public string? Message { get; }

    public bool IsRejected => RuleCode is not null;

    public static Decision Accept(params object[] events) => new(events, null, null);

    public static Decision Reject(string code, string message) => new([], code, message);
}
