namespace Serverless.EventSourcing.Application.Api;

/// <summary>Settings under <c>Api</c> (app settings <c>Api__Key</c>, <c>Api__MaxBodyBytes</c>).</summary>
public sealed record ApiOptions
{
    /// <summary>When set, every non-anonymous route requires it in <c>x-functions-key</c>.</summary>
    public string? Key { get; init; }

    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    public int DefaultPageSize { get; init; } = 100;

    public int MaxPageSize { get; init; } = Store.ReadLimits.MaxPage;
}
