namespace Serverless.EventSourcing.Events;

/// <summary>
/// Just what folding an aggregate needs from a recorded event. Loading reads these instead of full
/// envelopes: less to transfer and allocate per event on long streams.
/// </summary>
public sealed record StoredEvent(string Type, long StreamVersion, int SchemaVersion, string Data);
