using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Security;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Security;

/// <summary>
/// Operator actions as events in the stream <c>audit-log</c>: who (the authenticated principal, in the data and in
/// the metadata), when, what (the route and its target), and the outcome, refusals included. Only the server writes
/// the <c>audit</c> category; callers with the <c>audit</c> permission read it like any stream.
/// </summary>
public sealed class AuditTrail(IEventStore store, EventTypeRegistry events, TimeProvider time, ILogger<AuditTrail> logger)
{
    public const string Category = "audit";

    public const string EventType = "OperatorActionRecorded";

    public static StreamId Stream { get; } = StreamId.For(Category, "log");

    /// <param name="Action">The route's name (for example <c>RebuildProjection</c>).</param>
    /// <param name="Target">The route values: which projection, stream, parked event.</param>
    /// <param name="Outcome"><c>succeeded</c>, <c>denied</c>, or the problem type's slug.</param>
    /// <param name="Detail">What the action recorded besides (a skip's reason).</param>
    public sealed record OperatorActionRecorded(
        string Action, IReadOnlyDictionary<string, string> Target, string Outcome, int Status, PrincipalRecord? By, DateTimeOffset At, IReadOnlyDictionary<string, string>? Detail);

    public static EventTypeRegistry Register(EventTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.Register<OperatorActionRecorded>(EventType);
    }

    /// <summary>Appends the record; a failure is logged (the action's own answer stands) and never thrown.</summary>
    public async Task RecordAsync(Principal principal, string action, IReadOnlyDictionary<string, string> target, int status, string outcome, IReadOnlyDictionary<string, string>? detail, string correlationId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var by = principal.ToRecord();
        var record = new OperatorActionRecorded(action, target, outcome, status, by, time.GetUtcNow(), detail);
        var metadata = new EventMetadata { CorrelationId = correlationId, Principal = by, UserId = principal.IsAnonymous ? null : principal.Subject };
        try
        {
            await store.AppendAsync(Stream, ExpectedVersion.Any, [events.ToEventData(record, metadata)], ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Could not record operator action {Action} ({Outcome}) in the audit trail", action, outcome);
        }
    }
}
