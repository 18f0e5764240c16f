using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Serverless.EventSourcing.Client;

/// <summary>
/// The HTTP API as typed calls. The <see cref="HttpClient"/> brings the base address, the credential and resilience
/// (<see cref="ClientServiceCollectionExtensions.AddEventSourcingClient"/> sets all three). Every write carries what makes
/// it safe to retry: appends send event ids, commands an Idempotency-Key.
/// </summary>
public sealed class EventSourcingClient(HttpClient http)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Prefix = "api/";

    /// <summary>The event name of the server's last message on a live feed (domain event types cannot contain ':').</summary>
    private const string CloseEvent = "es:close";

    /// <summary>Appends <paramref name="events"/>; with <paramref name="expectedVersion"/> the stream must be at it (0: must not exist).</summary>
    /// <exception cref="ConcurrencyConflictException">The stream is at another version.</exception>
    public async Task<AppendResult> AppendAsync(string streamId, IEnumerable<NewEvent> events, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var body = new
        {
            events = events.Select(e => new { eventId = e.EventId ?? Guid.CreateVersion7(), type = e.Type, data = e.Data, metadata = e.Metadata }).ToList(),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Prefix}streams/{Uri.EscapeDataString(streamId)}/events") { Content = JsonContent.Create(body, options: Json) };
        IfMatch(request, expectedVersion);
        return await SendAsync<AppendResult>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of a stream, from <paramref name="fromVersion"/> (0: the start, or the end when reading backward).</summary>
    public Task<StreamPage> ReadStreamAsync(string streamId, long fromVersion = 0, int? limit = null, bool backward = false, CancellationToken cancellationToken = default)
    {
        var query = $"fromVersion={fromVersion.ToString(CultureInfo.InvariantCulture)}&direction={(backward ? "backward" : "forward")}"
            + (limit is { } size ? "&limit=" + size.ToString(CultureInfo.InvariantCulture) : "");
        return SendAsync<StreamPage>(new HttpRequestMessage(HttpMethod.Get, $"{Prefix}streams/{Uri.EscapeDataString(streamId)}/events?{query}"), cancellationToken);
    }

    /// <summary>Every event of a stream from <paramref name="fromVersion"/>, page after page as they are needed.</summary>
    public async IAsyncEnumerable<RecordedEvent> ReadStreamAllAsync(string streamId, long fromVersion = 0, int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long? next = fromVersion;
        while (next is { } from)
        {
            var page = await ReadStreamAsync(streamId, from, pageSize, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var e in page.Events)
            {
                yield return e;
            }

            next = page.NextVersion;
        }
    }

    /// <summary>A stream's metadata: its version, its own and its effective retention policy, and how far it is archived.</summary>
    /// <exception cref="NotFoundException">The stream does not exist.</exception>
    public Task<StreamInfo> GetStreamAsync(string streamId, CancellationToken cancellationToken = default) =>
        SendAsync<StreamInfo>(new HttpRequestMessage(HttpMethod.Get, $"{Prefix}streams/{Uri.EscapeDataString(streamId)}"), cancellationToken);

    /// <summary>Replaces the stream's own retention policy (<see cref="StreamPolicy.None"/> clears it; needs <c>operate</c>).</summary>
    /// <exception cref="ApiProblemException">409 <c>retention-refused</c>: the policy would break an aggregate or a projection's rebuild; <see cref="ApiProblemException.Problem"/> names the projections.</exception>
    public async Task<StreamInfo> SetStreamPolicyAsync(string streamId, StreamPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var request = new HttpRequestMessage(HttpMethod.Put, $"{Prefix}streams/{Uri.EscapeDataString(streamId)}/policy") { Content = JsonContent.Create(policy, options: Json) };
        return await SendAsync<StreamInfo>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="command"/> on aggregate <paramref name="aggregateType"/> <paramref name="id"/>; the body is the command's JSON.</summary>
    /// <exception cref="RuleViolationException">A business rule refused it.</exception>
    /// <exception cref="ConcurrencyConflictException"><see cref="CommandOptions.ExpectedVersion"/> did not hold.</exception>
    public async Task<CommandOutcome> ExecuteAsync(string aggregateType, string id, string command, object? body = null, CommandOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CommandOptions();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Prefix}aggregates/{Uri.EscapeDataString(aggregateType)}/{Uri.EscapeDataString(id)}/commands/{Uri.EscapeDataString(command)}")
        {
            Content = JsonContent.Create(body ?? new { }, options: Json),
        };
        IfMatch(request, options.ExpectedVersion);
        // The same key on every retry of this call (resilience handlers resend this request): the command runs once.
        request.Headers.Add("Idempotency-Key", options.IdempotencyKey ?? Guid.NewGuid().ToString("N"));
        if (options.CorrelationId is { } correlation)
        {
            request.Headers.Add("x-correlation-id", correlation);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var result = await ReadAsync<CommandResultBody>(response, cancellationToken).ConfigureAwait(false);
        return new CommandOutcome(result.StreamId, result.Version, result.Events ?? [], result.CommandId, response.Headers.Contains("Idempotent-Replayed"));
    }

    /// <summary>The aggregate's state now, or as of a version or a time (not both).</summary>
    public Task<AggregateState<TState>> GetAggregateAsync<TState>(string aggregateType, string id, long? asOfVersion = null, DateTimeOffset? asOf = null, CancellationToken cancellationToken = default)
    {
        var query = asOfVersion is { } version ? "?asOfVersion=" + version.ToString(CultureInfo.InvariantCulture)
            : asOf is { } time ? "?asOf=" + Uri.EscapeDataString(time.ToString("O", CultureInfo.InvariantCulture))
            : "";
        return SendAsync<AggregateState<TState>>(new HttpRequestMessage(HttpMethod.Get, $"{Prefix}aggregates/{Uri.EscapeDataString(aggregateType)}/{Uri.EscapeDataString(id)}{query}"), cancellationToken);
    }

    /// <summary>Starts saga <paramref name="saga"/> with <paramref name="input"/> (202); the same <paramref name="idempotencyKey"/> again answers the same saga.</summary>
    public async Task<SagaStarted> StartSagaAsync(string saga, object input, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Prefix}sagas/{Uri.EscapeDataString(saga)}") { Content = JsonContent.Create(input, options: Json) };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString("N"));
        return await SendAsync<SagaStarted>(request, cancellationToken).ConfigureAwait(false);
    }

    public Task<SagaStatus> GetSagaAsync(string saga, Guid sagaId, CancellationToken cancellationToken = default) =>
        SendAsync<SagaStatus>(new HttpRequestMessage(HttpMethod.Get, $"{Prefix}sagas/{Uri.EscapeDataString(saga)}/{sagaId}"), cancellationToken);

    /// <summary>A module's read route, <c>GET /api/read/{path}</c> (for example <c>orders/42</c>), as <typeparamref name="T"/>.</summary>
    /// <exception cref="NotFoundException">No such row (yet: read models follow the log).</exception>
    public Task<T> ReadModelAsync<T>(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, $"{Prefix}read/{path.TrimStart('/')}"), cancellationToken);
    }

    /// <summary>
    /// A stream's events as they are appended (from <paramref name="fromVersion"/>, or only new ones), for as long as the
    /// caller enumerates. When the connection drops or the server closes it (overflow, longest life, shutdown) the client
    /// reconnects with Last-Event-ID, so each event arrives once and in order; it ends when the stream is deleted.
    /// </summary>
    public async IAsyncEnumerable<RecordedEvent> SubscribeAsync(string streamId, long? fromVersion = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var path = $"{Prefix}streams/{Uri.EscapeDataString(streamId)}/live" + (fromVersion is { } from ? "?fromVersion=" + from.ToString(CultureInfo.InvariantCulture) : "");
        string? lastId = null;
        var retry = TimeSpan.FromSeconds(3);
        while (true)
        {
            var connection = await ConnectAsync(path, lastId, retry, cancellationToken).ConfigureAwait(false);
            if (connection is not var (response, stream))
            {
                continue;
            }

            using (response)
            {
                await using var items = SseParser.Create(stream).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
                string? closed = null;
                while (await NextAsync(items, cancellationToken).ConfigureAwait(false) is { } item)
                {
                    retry = item.ReconnectionInterval ?? retry;
                    lastId = item.EventId ?? lastId;
                    if (item.EventType == CloseEvent)
                    {
                        using var close = JsonDocument.Parse(item.Data);
                        closed = close.RootElement.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
                        break;
                    }

                    yield return JsonSerializer.Deserialize<RecordedEvent>(item.Data, Json)!;
                }

                if (closed == "deleted")
                {
                    yield break;
                }

                // A close message says the server ended it on purpose: reconnect at once; a dropped connection waits first.
                await Task.Delay(closed is null ? retry : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The live feed's response and body, or null after waiting when it should be asked again (unreachable, or the subscriber cap).</summary>
    /// <exception cref="ApiProblemException">Any other refusal.</exception>
    private async Task<(HttpResponseMessage Response, Stream Body)?> ConnectAsync(string path, string? lastId, TimeSpan retry, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastId);
        }

        HttpResponseMessage? response = null;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                // The instance's subscriber cap: wait as it says, then try again.
                var wait = response.Headers.RetryAfter?.Delta ?? retry;
                response.Dispose();
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    await ReadAsync<JsonElement>(response, cancellationToken).ConfigureAwait(false); // throws the typed problem
                }
            }

            return (response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (HttpRequestException)
        {
            response?.Dispose();
            await Task.Delay(retry, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>The next message, or null when the stream ended or the connection dropped (or a handler's timeout ended it).</summary>
    private static async Task<SseItem<string>?> NextAsync(IAsyncEnumerator<SseItem<string>> items, CancellationToken cancellationToken)
    {
        try
        {
            return await items.MoveNextAsync().ConfigureAwait(false) ? items.Current : null;
        }
        catch (Exception error) when (error is IOException or HttpRequestException
            || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    private static void IfMatch(HttpRequestMessage request, long? expectedVersion)
    {
        if (expectedVersion is { } version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version.ToString(CultureInfo.InvariantCulture)}\""));
        }
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return await ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var problem = response.Content.Headers.ContentLength is 0 ? default : await ReadProblemAsync(response, cancellationToken).ConfigureAwait(false);
            throw ApiProblemException.From(response.StatusCode, problem);
        }

        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
            ?? throw new ApiProblemException($"The API answered {(int)response.StatusCode} with no body.");
    }

    private static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return default; // not a problem document (a proxy's error page): the status alone says it
        }
    }

    private sealed record CommandResultBody(string StreamId, long Version, IReadOnlyList<CommandEventInfo>? Events, string? CommandId);
}
