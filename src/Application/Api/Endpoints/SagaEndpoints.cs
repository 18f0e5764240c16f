using System.Net;
using Serverless.EventSourcing.Application.Sagas;
using Serverless.EventSourcing.Application.Security;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>Start a saga (202 + status URL) and read its status and history.</summary>
public sealed class SagaEndpoints(SagaService sagas, SagaExecutor executor, SagaCatalog catalog) : IApiEndpoints
{
    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["StartSaga"] = StartAsync;
        handlers["GetSaga"] = GetAsync;
    }

    private async Task<ApiResponse> StartAsync(ApiContext context)
    {
        var name = context.Route("name");
        var body = await context.ReadJsonAsync();
        var (sagaId, created) = await sagas.StartAsync(
            name,
            body,
            context.StoredHeader("Idempotency-Key"),
            context.CorrelationId,
            context.Principal,
            (saga, input) => context.Access.RequireSagaStartAsync(saga, input, context.Cancellation),
            context.Cancellation);
        var location = $"/api/sagas/{name}/{sagaId}";
        return ApiResponse.Of(HttpStatusCode.Accepted, new Contracts.SagaStartedResponse(sagaId, name, location, created)).With("Location", location);
    }

    private async Task<ApiResponse> GetAsync(ApiContext context)
    {
        var name = context.Route("name");
        if (!catalog.TryGet(name, out _))
        {
            throw new UnknownSagaException(name);
        }

        var sagaId = Guid.TryParse(context.Route("id"), out var parsed) ? parsed : throw new InvalidInputException("id", "must be a UUID");
        await context.Access.RequireWholeStreamAsync(Permission.Read, SagaExecutor.StreamOf(sagaId), context.Cancellation);
        context.PersonalScope = new PersonalData.PersonalScope(EventSourcing.Sagas.SagaEvents.Category, SagaExecutor.StreamOf(sagaId));
        var (state, version, history) = await executor.LoadAsync(sagaId, context.Cancellation);
        if (!state.Started || state.Saga != name)
        {
            var problem = Problem.NotFound($"No {name} saga {sagaId}.");
            return ApiResponse.Problem(problem);
        }

        return ApiResponse.Of(HttpStatusCode.OK, new Contracts.SagaStatusResponse(
            sagaId,
            name,
            state.Status,
            state.Reason,
            state.Input,
            version,
            history.Select(e => new Contracts.SagaHistoryEntry(e.Type, e.StreamVersion, e.CreatedAt, System.Text.Json.JsonDocument.Parse(e.Data).RootElement)).ToList())).WithETag(version);
    }
}
