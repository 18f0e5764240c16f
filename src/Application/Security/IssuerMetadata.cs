using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Serverless.EventSourcing.Application.Security;

/// <summary>
/// The token issuer's discovery document and signing keys, fetched and parsed by the library's
/// <see cref="OpenIdConnectConfigurationRetriever"/> and cached here. It exists for one behaviour the library's own
/// <c>ConfigurationManager</c> no longer has by default: since 8.0.2 a refresh asked for on an unknown key id runs in the
/// background, so the first token signed with a rotated key is refused (the process-wide switch that restores waiting is
/// fixed the first time any IdentityModel code runs, which a host cannot promise). Here a requested refresh is done
/// before the validation that asked for it goes on, and at most once per <see cref="BaseConfigurationManager.RefreshInterval"/>,
/// so a flood of made-up key ids costs one fetch per interval. A failed fetch keeps the keys already known.
/// </summary>
internal sealed class IssuerMetadata : BaseConfigurationManager
{
    private readonly IDocumentRetriever _retriever;
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private readonly object _gate = new();
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _nextFetch = DateTimeOffset.MinValue;
    private DateTimeOffset _lastRequested = DateTimeOffset.MinValue;
    private Exception? _lastFailure;

    public IssuerMetadata(string address, IDocumentRetriever retriever, TimeSpan refreshInterval)
    {
        MetadataAddress = address;
        _retriever = retriever;
        RefreshInterval = refreshInterval;
        UseLastKnownGoodConfiguration = false; // a key the issuer withdrew stops validating at once
    }

    public override async Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) => await GetAsync(cancel);

    /// <exception cref="InvalidOperationException">Nothing was ever fetched and the issuer cannot be reached now.</exception>
    public async Task<OpenIdConnectConfiguration> GetAsync(CancellationToken ct)
    {
        if (Fresh() is { } fresh)
        {
            return fresh;
        }

        await _fetching.WaitAsync(ct);
        try
        {
            if (Fresh() is { } fetchedMeanwhile)
            {
                return fetchedMeanwhile;
            }

            try
            {
                var fetched = await OpenIdConnectConfigurationRetriever.GetAsync(MetadataAddress, _retriever, ct);
                lock (_gate)
                {
                    _current = fetched;
                    _nextFetch = DateTimeOffset.UtcNow + AutomaticRefreshInterval;
                    _lastFailure = null;
                }

                return fetched;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                lock (_gate)
                {
                    // Try again after the refresh interval, not on every request: a down issuer is not hammered.
                    _nextFetch = DateTimeOffset.UtcNow + RefreshInterval;
                    _lastFailure = ex;
                    return _current ?? throw new InvalidOperationException("The token issuer's metadata cannot be fetched.", ex);
                }
            }
        }
        finally
        {
            _fetching.Release();
        }
    }

    /// <summary>A token named a key id the cached keys lack: fetch again before it is validated once more, unless one was asked for within the interval.</summary>
    public override void RequestRefresh()
    {
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            if (now >= _lastRequested + RefreshInterval)
            {
                _lastRequested = now;
                _nextFetch = now;
            }
        }
    }

    private OpenIdConnectConfiguration? Fresh()
    {
        lock (_gate)
        {
            if (_current is not null && DateTimeOffset.UtcNow < _nextFetch)
            {
                return _current;
            }

            // Nothing cached and the last fetch failed moments ago: answer at once rather than wait for the issuer again.
            return _current is null && _lastFailure is not null && DateTimeOffset.UtcNow < _nextFetch
                ? throw new InvalidOperationException("The token issuer's metadata cannot be fetched.", _lastFailure)
                : null;
        }
    }
}
