namespace Serverless.EventSourcing.Application.Api;

/// <summary>
/// One route of the public API. Both hosts are generated from (local host) or checked against (Azure
/// Functions, by the parity test) this table: same name, method, template and auth level.
/// </summary>
/// <param name="Name">The Azure Function name and the dispatcher key.</param>
/// <param name="Template">Route template under <c>/api</c>, in the syntax both ASP.NET Core and Functions use.</param>
/// <param name="Anonymous">True for liveness/readiness probes; every other route needs the function key when one is configured.</param>
public sealed record ApiRoute(string Name, string Method, string Template, string Summary, bool Anonymous = false);
