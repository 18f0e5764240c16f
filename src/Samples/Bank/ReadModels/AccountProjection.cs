using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Samples.Bank.ReadModels;

/// <summary>Base of the bank's projections: follows the account category and hands typed events to <see cref="ApplyAsync(string, object, EventEnvelope, IReadModelSession)"/>.</summary>
/// <param name="handles">The event types it applies; their stored names come from the registry.</param>
public abstract class AccountProjection(EventTypeRegistry events, string name, Type[] handles, params string[] tables) : IProjection
{
    private static readonly IReadOnlySet<string> AccountCategory = new HashSet<string> { Accounts.AccountAggregate.Category };

    public string Name { get; } = name;

    public IReadOnlySet<string> Categories => AccountCategory;

    public IReadOnlySet<string> EventTypes { get; } = events.NamesOf(handles);

    public IReadOnlyList<string> Tables { get; } = tables;

    public virtual PoisonPolicy OnPoison => PoisonPolicy.Continue;

    public Task ApplyAsync(EventEnvelope envelope, IReadModelSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return ApplyAsync(StreamId.Parse(envelope.StreamId).Id, events.Deserialize(envelope), envelope, session);
    }

    protected abstract Task ApplyAsync(string accountId, object domainEvent, EventEnvelope envelope, IReadModelSession session);
}
