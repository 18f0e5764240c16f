using System.Diagnostics;
using System.Net;
using Serverless.EventSourcing.Application.Health;
using Serverless.EventSourcing.Application.Security;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>Liveness, readiness (dependencies and background loops) and statistics.</summary>
public sealed class HealthEndpoints(IEnumerable<IReadinessCheck> checks, IEnumerable<IStatsContributor> stats, RequestAuthenticator authentication) : IApiEndpoints
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["Health"] = _ => Task.FromResult(ApiResponse.Of(HttpStatusCode.OK, new { status = "alive" }));
        handlers["Ready"] = ReadyAsync;
        handlers["Stats"] = StatsAsync;
    }

    private async Task<ApiResponse> ReadyAsync(ApiContext context)
    {
        var results = await Task.WhenAll(checks.Select(c => RunAsync(c, context.Cancellation)));
        var ready = results.All(r => r.Healthy || !r.Required);
        var status = ready ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable;
        var word = ready ? "ready" : "not_ready";

        // The probe is open; its checks name hosts, ports, SQLSTATEs and projections, so only operators see them. That the
        // API itself is open is said to everyone: an unprotected deployment should be noticed by whoever looks.
        if (context.Access.Rights.HasAny(Permission.Operate))
        {
            return ApiResponse.Of(status, new { status = word, authentication = authentication.Mode, checks = results });
        }

        return authentication.Options.Open
            ? ApiResponse.Of(status, new { status = word, authentication = authentication.Mode })
            : ApiResponse.Of(status, new { status = word });
    }

    private async Task<ApiResponse> StatsAsync(ApiContext context)
    {
        context.Access.RequireEverywhere(Permission.Operate);
        var sections = new Dictionary<string, object>();
        foreach (var contributor in stats)
        {
            sections[contributor.Section] = await contributor.CollectAsync(context.Cancellation);
        }

        return ApiResponse.Of(HttpStatusCode.OK, sections);
    }

    private static async Task<CheckReport> RunAsync(IReadinessCheck check, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await check.CheckAsync(ct).WaitAsync(CheckTimeout, ct);
            return new CheckReport(check.Name, check.Required, result.Healthy, result.Detail, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new CheckReport(check.Name, check.Required, false, ex.Message, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private sealed record CheckReport(string Name, bool Required, bool Healthy, string Detail, double DurationMs);
}
