using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Application.Security;

namespace Serverless.EventSourcing.Hosting;

/// <summary>
/// Says so at start-up, as a warning, when the API is open (no token authority, no API key): every caller may then read,
/// write and erase everything. Open stays allowed (the local host on a developer's machine), but it must never be a
/// surprise in a deployment whose settings were lost.
/// </summary>
internal sealed class WarnWhenOpenOnStartup(AuthOptions auth, ILogger<WarnWhenOpenOnStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (auth.Open)
        {
            logger.LogWarning(
                "The API is open: neither a token issuer ({AuthoritySetting}) nor an API key ({KeySetting}) is configured, so every caller may read, write and erase everything (README, \"Identity and access\")",
                "Auth__Authority", "Auth__Keys__<name>__Hash");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
