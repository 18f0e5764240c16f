namespace Serverless.EventSourcing.Application.Api.OpenApi;

/// <summary>What one route reads and answers, for the API document (the route table says where and who may call it).</summary>
internal sealed record RouteShape
{
    /// <summary>Keys of <see cref="ApiParameters"/> the route reads.</summary>
    public IReadOnlyList<string> Parameters { get; init; } = [];

    /// <summary>The request body's type (read with the strict input options), or a hand-described component's name.</summary>
    public Type? Body { get; init; }

    public string? BodyComponent { get; init; }

    public bool BodyRequired { get; init; } = true;

    /// <summary>The success status and its body's type (response options); null: free-form JSON described by the summary.</summary>
    public int Success { get; init; } = 200;

    public Type? Answer { get; init; }

    /// <summary>Another success status with the same body (an append whose events were all recorded already: 200 beside 201).</summary>
    public int? AlsoSuccess { get; init; }

    public string SuccessDescription { get; init; } = "OK";

    public bool ETag { get; init; }

    public bool Location { get; init; }

    /// <summary>Carries a <c>Link: rel="next"</c> header while there is a next page.</summary>
    public bool Paged { get; init; }

    /// <summary>HEAD: statuses only.</summary>
    public bool NoBody { get; init; }

    public bool EventStream { get; init; }

    public bool WebSocket { get; init; }

    /// <summary>Error statuses beyond the ones every authenticated route has (400, 401, 403, 429, 503).</summary>
    public IReadOnlyList<int> Errors { get; init; } = [];
}
