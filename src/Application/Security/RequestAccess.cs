using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Sagas;
using Serverless.EventSourcing.Security;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Security;

/// <summary>
/// The access checks of one request, for its principal: handlers ask here before they read or write. A missing
/// permission throws <see cref="AccessDeniedException"/> (403, naming it); a stream the principal could reach only
/// if it owned it, and does not own, is answered as not found (404), so nobody learns that another's account exists.
/// </summary>
public sealed class RequestAccess
{
    private readonly OwnershipRules _rules;
    private readonly AggregateRegistry _aggregates;
    private readonly AggregateRepository _repository;
    private readonly IEventStore _store;

    internal RequestAccess(Principal principal, AccessRights rights, OwnershipRules rules, AggregateRegistry aggregates, AggregateRepository repository, IEventStore store)
    {
        Principal = principal;
        Rights = rights;
        _rules = rules;
        _aggregates = aggregates;
        _repository = repository;
        _store = store;
    }

    public Principal Principal { get; }

    public AccessRights Rights { get; }

    /// <summary>Throws unless some grant of <paramref name="permission"/> reaches <paramref name="category"/> at all.</summary>
    public void RequireCategory(Permission permission, string category)
    {
        if (Rights.OwnedStream(permission, category) is null)
        {
            throw AccessDeniedException.For(permission, category);
        }
    }

    /// <summary>
    /// For a category filter on a read that spans streams: throws unless some of the category is visible without
    /// ownership (an empty answer would hide the caller's mistake).
    /// </summary>
    public string? RequireVisible(string? category)
    {
        if (category is not null && Rights.Visible() is { } visible && !visible.Reaches(category))
        {
            throw AccessDeniedException.For(category == AuditTrail.Category ? Permission.Audit : Permission.Read, category);
        }

        return category;
    }

    /// <summary>Throws unless the principal holds <paramref name="permission"/> on every category (operations on the whole store).</summary>
    public void RequireEverywhere(Permission permission)
    {
        if (!Rights.HasEverywhere(permission))
        {
            throw AccessDeniedException.For(permission, null);
        }
    }

    /// <summary>
    /// Checks <paramref name="permission"/> on one stream, running the module's ownership rule when only owned streams
    /// are granted, and returns the event types the principal sees in it.
    /// </summary>
    /// <exception cref="AccessDeniedException">No grant reaches the category.</exception>
    /// <exception cref="StreamHiddenException">Only owned streams are granted and this one is not owned.</exception>
    public async Task<TypeScope> StreamAsync(Permission permission, StreamId stream, CancellationToken ct)
    {
        if (stream.Category == AuditTrail.Category && permission != Permission.Read)
        {
            // Not even on an open API: a record of what operators did that anyone could add to proves nothing.
            throw new AccessDeniedException(permission, stream.Category, "The audit trail is written by the server only.");
        }

        var owned = Rights.OwnedStream(permission, stream.Category) ?? throw AccessDeniedException.For(permission, stream.Category);
        if (!Rights.HasOwnOnly(permission, stream.Category))
        {
            return owned;
        }

        var any = Rights.AnyStream(permission, stream.Category);
        if (any is { IsAll: true })
        {
            return any;
        }

        if (await OwnsAsync(stream, ct))
        {
            return owned;
        }

        return any ?? throw new StreamHiddenException(stream);
    }

    /// <summary>Like <see cref="StreamAsync"/>, but the caller must see every event type (aggregate state, snapshots).</summary>
    public async Task RequireWholeStreamAsync(Permission permission, StreamId stream, CancellationToken ct)
    {
        if (!(await StreamAsync(permission, stream, ct)).IsAll)
        {
            throw new AccessDeniedException(permission, stream.Category, $"This needs the '{permission.Name()}' permission on every event type of category '{stream.Category}'.");
        }
    }

    /// <summary>The guard the command pipeline runs on the locked state (see <see cref="ICommandGuard"/>).</summary>
    public ICommandGuard CommandGuard => new Guard(this);

    /// <summary>
    /// What a caller may start a saga as: <c>execute</c> on the saga's name and, when the saga says on whose behalf it
    /// acts, the right to run that command there (ownership included), decided on the aggregate's current state.
    /// </summary>
    public async Task RequireSagaStartAsync(ISagaDefinition saga, System.Text.Json.JsonElement input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(saga);
        RequireCategory(Permission.Execute, saga.Name);
        if (saga.AuthorizingCommand(input) is not { } command)
        {
            return;
        }

        if (!_aggregates.TryGetByCommand(command.Command.GetType(), out var definition, out _))
        {
            throw new InvalidOperationException($"Saga {saga.Name} is authorised by {command.Command.GetType().Name}, which no aggregate handles.");
        }

        var stream = StreamId.For(definition.Category, command.AggregateId, "input");
        var owned = Rights.OwnedStream(Permission.Execute, definition.Category) ?? throw AccessDeniedException.For(Permission.Execute, definition.Category);
        if (Rights.AnyStream(Permission.Execute, definition.Category) is null && owned is not null)
        {
            var loaded = await _repository.LoadAsync(definition, stream, ct: ct);
            if (!(_rules.TryGet(definition.Category, out var rule) && rule(Principal, loaded.State, command.Command)))
            {
                throw new StreamHiddenException(stream);
            }
        }
    }

    private async Task<bool> OwnsAsync(StreamId stream, CancellationToken ct)
    {
        if (stream.Category == SagaEvents.Category)
        {
            // A saga belongs to whoever started it: its first event records the principal.
            var first = await _store.ReadStreamAsync(stream, 1, 1, ReadDirection.Forward, ct);
            return first.Events is [{ } started] && started.Metadata.Principal?.Id == Principal.Id;
        }

        if (!_rules.TryGet(stream.Category, out var rule) || !_aggregates.TryGet(stream.Category, out var definition))
        {
            return false;
        }

        var loaded = await _repository.LoadAsync(definition, stream, ct: ct);
        return loaded.Exists && rule(Principal, loaded.State, null);
    }

    private sealed class Guard(RequestAccess access) : ICommandGuard
    {
        public CommandRefusal? Check(IAggregateDefinition definition, StreamId stream, object state, bool exists, ICommand command)
        {
            var rights = access.Rights;
            if (rights.AnyStream(Permission.Execute, stream.Category) is not null)
            {
                return null;
            }

            if (rights.OwnedStream(Permission.Execute, stream.Category) is null)
            {
                var denied = AccessDeniedException.For(Permission.Execute, stream.Category);
                return new CommandRefusal(Permission.Execute.Name(), denied.Message, Hidden: false);
            }

            return access._rules.TryGet(stream.Category, out var rule) && rule(access.Principal, state, command)
                ? null
                : new CommandRefusal(Permission.Execute.Name(), $"{stream.Value} does not exist.", Hidden: true);
        }
    }
}

/// <summary>A stream the principal may not see, answered as if it did not exist (404).</summary>
public sealed class StreamHiddenException(StreamId stream) : ResourceNotFoundException($"{stream.Value} does not exist.");
