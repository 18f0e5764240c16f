using Microsoft.AspNetCore.Builder;
using Serverless.EventSourcing.LocalHost;

namespace Serverless.EventSourcing.Functions.Tests.RateLimits;

/// <summary>Rate limits on: a caller's bucket holds <see cref="Burst"/> tokens and refills one a second, so a burst past it is refused.</summary>
internal static class RateLimitSettings
{
    public const int Burst = 10;

    public static IDictionary<string, string?> Values => new Dictionary<string, string?>
    {
        ["RateLimits:PermitsPerSecond"] = "1",
        ["RateLimits:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

public sealed class RateLimitedLocalHost : Hosts.ApiHost
{
    protected override IDictionary<string, string?> ExtraSettings => RateLimitSettings.Values;

    protected override WebApplication Build(IDictionary<string, string?> settings) => LocalHostApp.Build([], LocalHost.App.AppModules.All, settings);
}

public sealed class RateLimitedFunctionsApp : Hosts.FunctionsAppHost
{
    protected override IDictionary<string, string?> ExtraSettings => RateLimitSettings.Values;
}
