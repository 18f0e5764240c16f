namespace Serverless.EventSourcing.Store;

/// <param name="NextExpectedVersion">The stream's version after the append: the version of its last event.</param>
/// <param name="Positions">Global positions of the appended events, in order.</param>
/// <param name="WasDuplicate">True when the append repeated an earlier one and wrote nothing.</param>
/// <param name="CreatedAt">When each event was recorded, in order (empty when the store does not say).</param>
public sealed record AppendResult(long NextExpectedVersion, IReadOnlyList<long> Positions, bool WasDuplicate, IReadOnlyList<DateTimeOffset>? CreatedAt = null);
