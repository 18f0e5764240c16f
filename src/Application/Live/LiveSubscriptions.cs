using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Application.Live;

/// <summary>Opens subscriptions up to <see cref="LiveOptions.MaxSubscribers"/> at once, and ends them all when the host stops.</summary>
public sealed class LiveSubscriptions(LiveOptions options, AppendSignal signal, ILogger<LiveSubscriptions> logger) : IDisposable
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

        return new LiveSubscription(source, options, signal, logger, _shutdown.Token, () => Interlocked.Decrement(ref _open));
    }

    /// <summary>Ends every subscription with a <c>shutdown</c> close message, so a stopping host does not wait on open streams.</summary>
    public void Stop() => _shutdown.Cancel();

    public void Dispose() => _shutdown.Dispose();
}
