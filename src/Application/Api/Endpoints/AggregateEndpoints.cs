using System.Net;
using System.Text.Json;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Commands;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>Commands and aggregate state (optionally as of a version or time).</summary>
public sealed class AggregateEndpoints(CommandPipeline pipeline, AggregateRepository repository, AggregateRegistry aggregates) : IApiEndpoints
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["ExecuteCommand"] = ExecuteAsync;
        handlers["GetAggregate"] = GetAsync;
    }

    private async Task<ApiResponse> ExecuteAsync(ApiContext context)
    {
        var ifMatch = Preconditions.IfMatch(context);
        var body = await context.ReadJsonAsync(whenEmpty: EmptyObject);
        var result = await pipeline.ExecuteAsync(
            new CommandRequest(
                context.Route("type"),
                context.Route("id"),
                context.Route("command"),
                body,
                ifMatch,
                context.StoredHeader("Idempotency-Key", CommandPipeline.MaxIdempotencyKeyLength),
                context.CorrelationId,
                UserId: context.UserId(),
                Principal: context.Principal,
                Guard: context.Access.CommandGuard),
            context.Cancellation);

        return ApiProblems.FromCommand(result, context);
    }

    private async Task<ApiResponse> GetAsync(ApiContext context)
    {
        var type = context.Route("type");
        if (!aggregates.TryGet(type, out var definition))
        {
            return ApiResponse.Problem(Problem.NotFound($"Unknown aggregate type '{type}'."));
        }

        var stream = Streams.StreamId.For(definition.Category, context.Route("id"), "id");
        await context.Access.RequireWholeStreamAsync(Permission.Read, stream, context.Cancellation);
        context.PersonalScope = new PersonalData.PersonalScope(stream.Category, stream);
        var asOfVersion = context.QueryLong("asOfVersion");
        var asOf = context.QueryTime("asOf");
        if (asOfVersion is not null && asOf is not null)
        {
            // Two points in time could disagree; answering either (or "did not exist") would hide the mistake.
            throw new InvalidInputException("asOf", "give asOf or asOfVersion, not both");
        }

        var loaded = await repository.LoadAsync(definition, stream, asOfVersion, asOf, context.Cancellation);
        if (loaded.IsDeleted && asOfVersion is null && asOf is null)
        {
            return ApiResponse.Problem(Problem.Gone($"{stream.Value} has been deleted."));
        }

        if (!loaded.Exists)
        {
            return ApiResponse.Problem(Problem.NotFound(asOfVersion is null && asOf is null ? $"{stream.Value} does not exist." : $"{stream.Value} did not exist at that point."));
        }

        var state = JsonDocument.Parse(definition.SerializeState(loaded.State)).RootElement;
        return ApiResponse.Of(HttpStatusCode.OK, new Contracts.AggregateStateResponse(definition.Category, stream.Id, stream.Value, loaded.Version, asOfVersion, asOf, state))
            .WithETag(loaded.Version);
    }

}
