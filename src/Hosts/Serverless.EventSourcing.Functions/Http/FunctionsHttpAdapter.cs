using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Functions.Sagas;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>
/// The only HTTP mapping in the Functions app: HttpRequestData in, <see cref="ApiDispatcher"/>, HttpResponseData
/// out. It decides nothing; the local host's ApiEndpointMapping does the same for ASP.NET Core.
/// </summary>
public sealed partial class FunctionsHttpAdapter(ApiDispatcher dispatcher)
{
    private static readonly Dictionary<string, string[]> RouteParameters = ApiRoutes.All.ToDictionary(
        r => r.Name,
        r => RouteParameter().Matches(r.Template).Select(m => m.Groups[1].Value).ToArray(),
        StringComparer.Ordinal);

    public async Task<HttpResponseData> RunAsync(string routeName, HttpRequestData req)
    {
        ArgumentNullException.ThrowIfNull(req);
        var ct = req.FunctionContext.CancellationToken;
        var response = await dispatcher.DispatchAsync(routeName, ToApiRequest(routeName, req), ct);

        var http = req.CreateResponse((HttpStatusCode)response.Status);
        foreach (var (name, value) in response.Headers)
        {
            // HttpHeadersCollection.Add validates known headers and rejects e.g. a quoted ETag; pass values as they are.
            http.Headers.TryAddWithoutValidation(name, value);
        }

        // The host's behaviour for a body written to a HEAD response is undocumented, so write none.
        if (response.ContentType is not null && !string.Equals(req.Method, "HEAD", StringComparison.OrdinalIgnoreCase))
        {
            http.Headers.TryAddWithoutValidation("Content-Type", response.ContentType);
            await http.Body.WriteAsync(response.Body, ct);
        }

        return http;
    }

    /// <summary>
    /// The same, for a route that starts a Durable orchestration: the function's <c>[DurableClient]</c> becomes the saga
    /// engine's client for this invocation (the isolated worker offers no other supported way to get one).
    /// </summary>
    public async Task<HttpResponseData> RunAsync(string routeName, HttpRequestData req, DurableTaskClient durableClient)
    {
        using var scope = DurableSagaEngine.UseClient(durableClient);
        return await RunAsync(routeName, req);
    }

    private static ApiRequest ToApiRequest(string routeName, HttpRequestData req)
    {
        var bindingData = new Dictionary<string, object?>(req.FunctionContext.BindingContext.BindingData, StringComparer.OrdinalIgnoreCase);
        var routeValues = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in RouteParameters.GetValueOrDefault(routeName, []))
        {
            if (bindingData.TryGetValue(name, out var value) && value is not null)
            {
                routeValues[name] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            }
        }

        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in req.Query.AllKeys)
        {
            if (key is not null)
            {
                query[key] = req.Query[key] ?? "";
            }
        }

        return new ApiRequest
        {
            Method = req.Method,
            Path = req.Url.PathAndQuery,
            RouteValues = routeValues,
            Query = query,
            Headers = req.Headers.ToDictionary(h => h.Key, h => string.Join(',', h.Value), StringComparer.OrdinalIgnoreCase),
            Body = req.Body,
        };
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)")]
    private static partial Regex RouteParameter();
}
