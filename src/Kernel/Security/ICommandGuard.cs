using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Security;

/// <summary>Why a command may not run for its principal.</summary>
/// <param name="Hidden">
/// True when saying "forbidden" would reveal that the stream exists (another customer's account): answered as not found.
/// </param>
public sealed record CommandRefusal(string Permission, string Message, bool Hidden);

/// <summary>
/// Decides whether the command may run, on the state the pipeline loaded under the stream's write lock (so an
/// ownership rule sees exactly the state the command decides on). Set on <see cref="Commands.CommandContext"/> by the
/// API; code that runs commands itself (sagas, jobs) has already been authorised and passes none.
/// </summary>
public interface ICommandGuard
{
    CommandRefusal? Check(IAggregateDefinition definition, StreamId stream, object state, bool exists, ICommand command);
}
