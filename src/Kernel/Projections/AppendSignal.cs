namespace Serverless.EventSourcing.Projections;

/// <summary>
/// An in-process "something was appended" pulse that wakes catch-up loops at once; loops still poll,
/// for appends made by other processes. (Not NOTIFY: it serializes every committing transaction.)
/// </summary>
public sealed class AppendSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Raised after a committed append with its events exactly as stored, for the Kafka fast path. Best effort:
    /// handlers must return at once and must not throw (the relay still delivers whatever they miss).
    /// </summary>
    public event Action<IReadOnlyList<Events.EventEnvelope>>? Committed;

    /// <summary>Whether anyone wants the committed events (building them costs an allocation per event).</summary>
    public bool WantsEvents => Committed is not null;

    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public void Pulse(IReadOnlyList<Events.EventEnvelope> committed)
    {
        Pulse();
        Committed?.Invoke(committed);
    }

    /// <summary>Completes on the next pulse or after <paramref name="timeout"/>, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await Volatile.Read(ref _next).Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
        }
    }
}
