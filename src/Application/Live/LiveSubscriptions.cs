using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Application.Live;

/// <summary>Opens subscriptions up to <see cref="LiveOptions.MaxSubscribers"/> at once, each joined to the instance's log reader, and ends them all when the host stops.</summary>
public sealed class LiveSubscriptions(LiveOptions options, AppendSignal signal, LiveLog log, ILogger<LiveSubscriptions> logger) : IDisposable
{
    private readonly CancellationTokenSource _shutdown = new();
    private int _open;

    public LiveOptions Options => options;

    public int Open => Volatile.Read(ref _open);

    /// <summary>A subscription over <paramref name="source"/>, or null when the cap is reached (nothing is held then).</summary>
    public LiveSubscription? TryOpen(ILiveSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Interlocked.Increment(ref _open) > options.MaxSubscribers)
        {
            Interlocked.Decrement(ref _open);
            return null;
        }

        var joined = log.Join();
        return new LiveSubscription(source, options, signal, logger, _shutdown.Token, () =>
        {
            joined.Dispose();
            Interlocked.Decrement(ref _open);
        });
    }

    /// <summary>Ends every subscription with a <c>shutdown</c> close message, so a stopping host does not wait on open streams.</summary>
    public void Stop()
    {
        _shutdown.Cancel();
        log.Stop();
    }

    public void Dispose() => _shutdown.Dispose();
}
