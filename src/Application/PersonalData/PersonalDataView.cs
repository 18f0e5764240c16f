using System.Text.Json.Nodes;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Application.Live;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.PersonalData;

/// <summary>
/// What a caller sees of personal values, in every response of both hosts (the dispatcher renders each one) and in
/// live feeds: the plain value for a principal with <c>personal</c> on the category (or on the one stream a route
/// answers about, ownership included), <see cref="PersonalTokens.RedactedMarker"/> for anyone else, and
/// <see cref="PersonalTokens.ErasedMarker"/> once the subject's key is gone. Keys are read from the database for each
/// response, never from a cache, so an erasure holds everywhere the moment it commits.
/// </summary>
public sealed class PersonalDataView(SubjectKeys keys)
{
    public async Task<ApiResponse> RenderAsync(ApiResponse response, ApiContext context)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(context);
        if (response.StreamBody is not null || response.ContentType is null || !PersonalValues.MayHoldTokens(response.Body))
        {
            return response;
        }

        // Bytes spliced in place after one reader pass: a page of 1,000 events parsed into a tree and written again
        // cost more than twice the read itself.
        var tokens = PersonalValues.Locate(response.Body, context.PersonalScope?.Category);
        if (tokens.Count == 0)
        {
            return response;
        }

        var (allowed, found) = await RevealAsync(tokens.Select(t => (t.Subject, t.Category)).ToList(), context.Access, context.PersonalScope, context.Cancellation);
        return response.WithBody(PersonalValues.Splice(response.Body, tokens, t => t.Category is not null && allowed[t.Category], found));
    }

    /// <summary>A live feed's events as this subscriber may see them.</summary>
    public ILiveSource Rendering(ILiveSource source, RequestAccess access, StreamId? stream) => new RenderedSource(source, this, access, stream);

    private async Task<EventEnvelope> RenderAsync(EventEnvelope envelope, RequestAccess access, StreamId? stream, CancellationToken ct)
    {
        if (!PersonalValues.MayHoldTokens(envelope.Data) || JsonNode.Parse(envelope.Data) is not { } root)
        {
            return envelope;
        }

        var tokens = PersonalValues.Find(root, envelope.Category);
        await RevealAsync(tokens, access, stream is { } s ? new PersonalScope(s.Category, s) : null, ct);
        return envelope with { Data = root.ToJsonString(EventJson.Options) };
    }

    private async Task RevealAsync(List<PersonalValues.Found> tokens, RequestAccess access, PersonalScope? scope, CancellationToken ct)
    {
        var (allowed, found) = await RevealAsync(tokens.Select(t => (t.Subject, t.Category)).ToList(), access, scope, ct);
        PersonalValues.Replace(tokens, t => t.Category is not null && allowed[t.Category], found);
    }

    /// <summary>Which of the tokens' categories the caller may see in plain, and the keys of their subjects that exist now.</summary>
    private async Task<(Dictionary<string, bool> Allowed, IReadOnlyDictionary<string, byte[]> Keys)> RevealAsync(
        List<(string Subject, string? Category)> tokens, RequestAccess access, PersonalScope? scope, CancellationToken ct)
    {
        var allowed = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var category in tokens.Select(t => t.Category).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            allowed[category] = await MayRevealAsync(access, category, scope, ct);
        }

        var subjects = tokens.Select(t => t.Subject).Distinct(StringComparer.Ordinal).ToList();
        return (allowed, await keys.ForDecryptionAsync(subjects, ct));
    }

    private static async Task<bool> MayRevealAsync(RequestAccess access, string category, PersonalScope? scope, CancellationToken ct)
    {
        if (access.Rights.AnyStream(Permission.Personal, category) is not null)
        {
            return true;
        }

        if (scope?.Stream is not { } stream || stream.Category != category || access.Rights.OwnedStream(Permission.Personal, category) is null)
        {
            return false;
        }

        try
        {
            await access.StreamAsync(Permission.Personal, stream, ct);
            return true;
        }
        catch (Exception ex) when (ex is AccessDeniedException or StreamHiddenException)
        {
            return false;
        }
    }

    private sealed class RenderedSource(ILiveSource inner, PersonalDataView view, RequestAccess access, StreamId? stream) : ILiveSource
    {
        public string Feed => inner.Feed;

        public async Task<LiveBatch> ReadAsync(int max, CancellationToken ct)
        {
            var batch = await inner.ReadAsync(max, ct);
            if (!batch.Events.Any(e => PersonalValues.MayHoldTokens(e.Envelope.Data)))
            {
                return batch;
            }

            var events = new List<LiveEvent>(batch.Events.Count);
            foreach (var e in batch.Events)
            {
                events.Add(e with { Envelope = await view.RenderAsync(e.Envelope, access, stream, ct) });
            }

            return batch with { Events = events };
        }

        public void Dispose() => inner.Dispose();
    }
}

/// <summary>The category (and, for a route about one stream, the stream) a response's personal values belong to when no envelope says.</summary>
public sealed record PersonalScope(string Category, StreamId? Stream = null);
