using System.Net;
using System.Text.Json;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>Read the latest snapshot of a stream, or take one now.</summary>
public sealed class SnapshotEndpoints(ISnapshotStore snapshots, AggregateRepository repository, AggregateRegistry aggregates, TimeProvider time) : IApiEndpoints
{
    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["GetSnapshot"] = GetAsync;
        handlers["TakeSnapshot"] = TakeAsync;
    }

    private async Task<ApiResponse> GetAsync(ApiContext context)
    {
        var (stream, definition, problem) = Resolve(context);
        if (problem is not null)
        {
            return problem;
        }

        await context.Access.RequireWholeStreamAsync(Permission.Read, stream, context.Cancellation);
        context.PersonalScope = new PersonalData.PersonalScope(stream.Category, stream);
        var snapshot = await snapshots.LoadAsync(stream, definition!.StateSchemaVersion, ct: context.Cancellation);
        return snapshot is null
            ? ApiResponse.Problem(Problem.NotFound($"{stream.Value} has no snapshot."))
            : ApiResponse.Of(HttpStatusCode.OK, Dto(snapshot)).WithETag(snapshot.Version);
    }

    private async Task<ApiResponse> TakeAsync(ApiContext context)
    {
        var (stream, definition, problem) = Resolve(context);
        if (problem is not null)
        {
            return problem;
        }

        await context.Access.StreamAsync(Permission.Operate, stream, context.Cancellation);
        context.PersonalScope = new PersonalData.PersonalScope(stream.Category, stream);
        var loaded = await repository.LoadAsync(definition!, stream, ct: context.Cancellation);
        if (!loaded.Exists || loaded.IsDeleted)
        {
            return ApiResponse.Problem(Problem.NotFound($"{stream.Value} does not exist."));
        }

        var snapshot = loaded.ToSnapshot(time.GetUtcNow());
        await snapshots.SaveAsync(snapshot, context.Cancellation);
        return ApiResponse.Of(HttpStatusCode.Created, Dto(snapshot)).WithETag(snapshot.Version);
    }

    private (StreamId Stream, IAggregateDefinition? Definition, ApiResponse? Problem) Resolve(ApiContext context)
    {
        var stream = StreamId.Parse(context.Route("streamId"));
        if (!aggregates.TryGet(stream.Category, out var definition))
        {
            return (stream, null, ApiResponse.Problem(Problem.NotFound($"No aggregate type '{stream.Category}' is registered.")));
        }

        return definition.Snapshots
            ? (stream, definition, null)
            : (stream, null, ApiResponse.Problem(Problem.RuleViolation("snapshots_disabled", $"Aggregate type '{stream.Category}' does not take snapshots.")));
    }

    private static object Dto(Snapshot s) => new
    {
        streamId = s.StreamId,
        version = s.Version,
        schemaVersion = s.SchemaVersion,
        takenAt = s.TakenAt,
        state = JsonDocument.Parse(s.State).RootElement,
    };

}
