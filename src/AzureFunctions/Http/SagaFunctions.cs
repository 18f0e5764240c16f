using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using static Serverless.EventSourcing.Application.Api.ApiRoutes;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>
/// Saga routes of <c>ApiRoutes.All</c>. StartSaga also binds the Durable client: the isolated worker hands it out
/// only through this binding, and the saga engine (<c>Sagas/DurableSagaEngine</c>) needs it to schedule the orchestration.
/// </summary>
public sealed class SagaFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(StartSaga))]
    public Task<IResult> StartSaga(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Post, Route = Templates.Sagas)] HttpRequest req,
        [DurableClient] DurableTaskClient client) =>
        http.RunAsync(nameof(StartSaga), req, client);

    [Function(nameof(GetSaga))]
    public Task<IResult> GetSaga(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.Saga)] HttpRequest req) =>
        http.RunAsync(nameof(GetSaga), req);
}
