namespace Serverless.EventSourcing.Application.Api;

/// <summary>
/// One route of the public API. Both hosts serve it from this table (the local host maps it, the Functions app's
/// triggers use its constants and the parity test compares the built app with it): same name, method, template, auth.
/// </summary>
/// <param name="Name">The Azure Function name and the dispatcher key.</param>
/// <param name="Method">Lower-case HTTP method, as the Functions trigger attribute spells it.</param>
/// <param name="Template">Route template under <c>/api</c>, in the syntax both ASP.NET Core and Functions use.</param>
/// <param name="Anonymous">True for probes and the API document; every other route needs a credential when any is configured.</param>
public sealed record ApiRoute(string Name, string Method, string Template, string Summary, bool Anonymous = false)
{
    private RouteTemplate? _parsed;

    /// <summary>False for the probes: a health check must never be told to back off.</summary>
    public bool RateLimited { get; init; } = true;

    /// <summary>
    /// The permission a caller needs some grant of to be let in (403 otherwise, before the body is read); the handler then
    /// checks it on the category or stream it touches. Null for the anonymous routes and the fallback.
    /// </summary>
    public Security.Permission? Permission { get; init; }

    /// <summary>An operator action: every outcome, refusals included, is recorded in the audit trail.</summary>
    public bool Audited { get; init; }

    /// <summary>Takes a bearer token in the <c>access_token</c> query parameter too (the live routes: EventSource sends no headers).</summary>
    public bool QueryToken { get; init; }

    /// <summary>The parsed template, which gives route values from a request path.</summary>
    public RouteTemplate Parsed => _parsed ??= RouteTemplate.Parse(Template);
}
