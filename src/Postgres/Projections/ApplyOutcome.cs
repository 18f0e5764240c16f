namespace Serverless.EventSourcing.Postgres.Projections;

/// <param name="Stopped">The projection is stopped (now or already): nothing after the event that stopped it was applied.</param>
/// <param name="Lost">Another runner moved the cursor first; this apply was rolled back.</param>
public sealed record ApplyOutcome(int Applied, int Parked, bool Stopped, bool Lost);
