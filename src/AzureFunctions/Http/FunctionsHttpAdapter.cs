using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Functions.Sagas;
using Serverless.EventSourcing.Hosting.Http;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>
/// The HTTP functions' one dependency: the shared ASP.NET Core adapter (<see cref="HttpApi"/>), which the local
/// host's endpoints call too. Through the Functions ASP.NET Core integration a trigger receives the real
/// <see cref="HttpRequest"/> and its <see cref="IResult"/> is written to the real response, so both hosts run the
/// same request and response code; this class decides nothing.
/// </summary>
public sealed class FunctionsHttpAdapter(ApiDispatcher dispatcher)
{
    public Task<IResult> RunAsync(string routeName, HttpRequest req) => dispatcher.DispatchAsync(routeName, req);

    /// <summary>
    /// The same, for a route that starts a Durable orchestration: the function's <c>[DurableClient]</c> becomes the saga
    /// engine's client for this invocation (the isolated worker offers no other supported way to get one).
    /// </summary>
    public async Task<IResult> RunAsync(string routeName, HttpRequest req, DurableTaskClient durableClient)
    {
        using var scope = DurableSagaEngine.UseClient(durableClient);
        return await dispatcher.DispatchAsync(routeName, req);
    }
}
