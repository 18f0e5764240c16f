using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Postgres.Projections;

public sealed partial class DeadLetters
{
    /// <summary>Parks an event in the apply's transaction; with the Stop policy the projection stops there too.</summary>
    internal static async Task ParkAsync(ApplyTransaction run, IProjection projection, EventEnvelope e, string error, int attempts, CancellationToken ct)
    {
        await run.Connection.ExecuteAsync(run.Transaction,
            "insert into es_dead_letters (projection, event_id, stream_id, stream_version, global_position, event_type, envelope, error, attempts) values ($1, $2, $3, $4, $5, $6, $7::json, $8, $9)",
            ct, projection.Name, e.EventId, e.StreamId, e.StreamVersion, e.GlobalPosition, e.Type, DeadLetterEnvelope.Serialize(e), error, attempts);
        if (projection.OnPoison == PoisonPolicy.Stop)
        {
            await run.Connection.ExecuteAsync(run.Transaction, "update es_projections set status = 'stopped', last_error = $2, updated_at = now() where name = $1", ct, projection.Name, error);
        }
    }
}
