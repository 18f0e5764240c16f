using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.OpenApi;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Api.OpenApi;
using Serverless.EventSourcing.Application.Sagas;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>
/// Serves the OpenAPI 3.0 document of this deployment (see <see cref="ApiDocumentBuilder"/>), built once from the route
/// table and the modules, so both hosts describe exactly the routes they serve (ASP.NET's generator would only see the local host).
/// </summary>
public sealed class OpenApiEndpoints(Modules.ReadRoutes readRoutes, AggregateRegistry aggregates, SagaCatalog sagas, Security.AuthOptions auth, ApiOptions options) : IApiEndpoints
{
    private readonly Lazy<byte[]> _document = new(() => Serialize(new ApiDocumentBuilder(readRoutes, aggregates, sagas, auth, options).Build()));

    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["OpenApi"] = _ => Task.FromResult(new ApiResponse { Status = (int)HttpStatusCode.OK, Body = _document.Value, ContentType = ApiResponse.Json });
    }

    private static byte[] Serialize(OpenApiDocument document)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        document.SerializeAsV3(new OpenApiJsonWriter(text));
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
