using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>
/// Saga routes of <c>ApiRoutes.All</c>. StartSaga also binds the Durable client: the isolated worker hands it out
/// only through this binding, and the saga engine (<c>Sagas/DurableSagaEngine</c>) needs it to schedule the orchestration.
/// </summary>
public sealed class SagaFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(StartSaga))]
    public Task<HttpResponseData> StartSaga(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "sagas/{name}")] HttpRequestData req,
        string name,
        [DurableClient] DurableTaskClient client) =>
        http.RunAsync(nameof(StartSaga), req, client);

    [Function(nameof(GetSaga))]
    public Task<HttpResponseData> GetSaga(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "sagas/{name}/{id}")] HttpRequestData req, string name, string id) =>
        http.RunAsync(nameof(GetSaga), req);
}
