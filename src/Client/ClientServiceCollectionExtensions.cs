using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.EventSourcing.Client;

/// <summary>Where the API is and how to authenticate: an API key (<c>x-functions-key</c>) or a bearer token from a provider.</summary>
public sealed class EventSourcingClientOptions
{
    /// <summary>The host's root (the client adds <c>/api/</c>).</summary>
    public Uri? BaseAddress { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>Called for every request (cache in it): the access token to send as <c>Authorization: Bearer</c>.</summary>
    public Func<CancellationToken, ValueTask<string>>? AccessToken { get; set; }
}

public static class ClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EventSourcingClient"/> as a typed HttpClient with the credential and the standard resilience
    /// pipeline of Microsoft.Extensions.Http.Resilience (retries with backoff on transient errors, 429 and 503 honouring
    /// Retry-After, a circuit breaker and timeouts). Writes are safe to retry: the client sends event ids and an
    /// Idempotency-Key with each.
    /// </summary>
    public static IHttpClientBuilder AddEventSourcingClient(this IServiceCollection services, Action<EventSourcingClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new EventSourcingClientOptions();
        configure(options);
        var baseAddress = options.BaseAddress ?? throw new ArgumentException("BaseAddress is required.", nameof(configure));
        var builder = services.AddHttpClient<EventSourcingClient>(client => client.BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/"))
            .AddHttpMessageHandler(() => new CredentialHandler(options));
        builder.AddStandardResilienceHandler();
        return builder;
    }

    private sealed class CredentialHandler(EventSourcingClientOptions options) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (options.AccessToken is { } provider)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await provider(cancellationToken).ConfigureAwait(false));
            }
            else if (options.ApiKey is { } key)
            {
                request.Headers.Remove("x-functions-key");
                request.Headers.Add("x-functions-key", key);
            }

            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
