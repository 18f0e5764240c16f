using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Diagnostics;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Application.Live;

/// <summary>
/// One subscriber. A producer reads its feed into a bounded buffer, never more than there is room for, woken by the
/// instance's log reader (<see cref="LiveLog"/>), or, while it catches up from the database, by this instance's appends
/// and polling; the writer sends the buffer through its transport (SSE or WebSocket). Memory is bounded by the buffer
/// whatever the subscriber's lag. A subscriber that takes nothing for the stall timeout is closed: with an
/// <c>overflow</c> close message when its connection still takes bytes, by dropping the connection when it does not.
/// </summary>
public sealed class LiveSubscription : IDisposable
{
    private const int MaxRead = 500;
    private const int MaxFramesPerWrite = 64;

    private readonly ILiveSource _source;
    private readonly LiveOptions _options;
    private readonly AppendSignal _signal;
    private readonly ILogger _logger;
    private readonly Action _release;
    private readonly Channel<LiveEvent> _buffer;
    private readonly CancellationToken _shutdown;
    private string? _end;
    private string _endDetail = "";
    private string? _lastId;
    private int _released;

    internal LiveSubscription(ILiveSource source, LiveOptions options, AppendSignal signal, ILogger logger, CancellationToken shutdown, Action release)
    {
        _source = source;
        _options = options;
        _signal = signal;
        _logger = logger;
        _shutdown = shutdown;
        _release = release;
        _buffer = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(options.BufferEvents) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        Telemetry.LiveSubscribers.Add(1, Feed);
    }

    private KeyValuePair<string, object?> Feed => new("feed", _source.Feed);

    /// <summary>Runs until the client leaves, the feed ends or the subscriber is closed; then the host ends the response.</summary>
    /// <exception cref="LiveSubscriberStalledException">A write blocked for the stall timeout: the host drops the connection.</exception>
    public Task WriteAsync(Stream body, CancellationToken clientGone) => RunAsync(new SseTransport(body), clientGone);

    /// <summary>The same over any transport.</summary>
    /// <exception cref="LiveSubscriberStalledException">A write blocked for the stall timeout: the host drops the connection.</exception>
    public async Task RunAsync(ILiveTransport transport, CancellationToken clientGone)
    {
        ArgumentNullException.ThrowIfNull(transport);
        using var duration = new CancellationTokenSource();
        if (_options.MaxConnection is { } max)
        {
            duration.CancelAfter(max);
        }

        using var producing = CancellationTokenSource.CreateLinkedTokenSource(clientGone, _shutdown, duration.Token);
        var producer = ProduceAsync(producing.Token, duration.Token);
        var reason = "client";
        try
        {
            await WithinAsync(transport.OpenAsync, clientGone);
            await SendAsync(transport, clientGone);
            await producer;
            reason = _end ?? "client";
            if (_end is not null && !clientGone.IsCancellationRequested)
            {
                await WithinAsync(ct => transport.CloseAsync(_end, _lastId, _endDetail, ct), clientGone);
            }
        }
        catch (LiveSubscriberStalledException)
        {
            reason = "stalled";
            _logger.LogInformation("Live subscriber on {Feed} ({Transport}) stalled for {Seconds} s; dropping its connection (last event {LastEventId})", _source.Feed, transport.Name, _options.StallTimeout.TotalSeconds, _lastId);
            throw;
        }
        catch (OperationCanceledException) when (clientGone.IsCancellationRequested)
        {
        }
        finally
        {
            await producing.CancelAsync();
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Telemetry.LiveClosed.Add(1, Feed, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("transport", transport.Name));
            Dispose();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Telemetry.LiveSubscribers.Add(-1, Feed);
            _source.Dispose();
            _release();
        }
    }

    private async Task SendAsync(ILiveTransport transport, CancellationToken clientGone)
    {
        var events = new List<LiveEvent>(MaxFramesPerWrite);
        while (true)
        {
            using var beat = CancellationTokenSource.CreateLinkedTokenSource(clientGone);
            beat.CancelAfter(_options.Heartbeat);
            bool open;
            try
            {
                open = await _buffer.Reader.WaitToReadAsync(beat.Token);
            }
            catch (OperationCanceledException) when (!clientGone.IsCancellationRequested)
            {
                await WithinAsync(transport.HeartbeatAsync, clientGone);
                continue;
            }

            if (!open)
            {
                return;
            }

            events.Clear();
            while (events.Count < MaxFramesPerWrite && _buffer.Reader.TryRead(out var e))
            {
                events.Add(e);
            }

            await WithinAsync(ct => transport.SendAsync(events, ct), clientGone);
            _lastId = events[^1].Id;
        }
    }

    private async Task WithinAsync(Func<CancellationToken, Task> write, CancellationToken clientGone)
    {
        using var within = CancellationTokenSource.CreateLinkedTokenSource(clientGone);
        within.CancelAfter(_options.StallTimeout);
        try
        {
            await write(within.Token);
        }
        catch (OperationCanceledException) when (!clientGone.IsCancellationRequested)
        {
            throw new LiveSubscriberStalledException();
        }
    }

    private async Task ProduceAsync(CancellationToken ct, CancellationToken duration)
    {
        // Let the writer start; the producer's first read must not delay the response headers.
        await Task.Yield();
        try
        {
            while (true)
            {
                var free = _options.BufferEvents - _buffer.Reader.Count;
                if (free <= 0)
                {
                    if (!await WaitForRoomAsync(ct))
                    {
                        End("overflow", $"the subscriber took no event for {_options.StallTimeout.TotalSeconds:0.#} s while {_options.BufferEvents} were waiting; resume with Last-Event-ID");
                        return;
                    }

                    continue;
                }

                var batch = await _source.ReadAsync(Math.Min(free, MaxRead), ct);
                foreach (var e in batch.Events)
                {
                    // Only this loop writes and it read no more than the free room, so there is always room.
                    _buffer.Writer.TryWrite(e);
                }

                if (batch.End is { } end)
                {
                    End(end, "the stream was deleted");
                    return;
                }

                if (!batch.More)
                {
                    await (batch.Wake is { } wake ? wake.WaitAsync(ct) : _signal.WaitAsync(_options.Poll, ct));
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            if (duration.IsCancellationRequested)
            {
                End("max-duration", "the connection reached its longest life; resume with Last-Event-ID");
            }
            else if (_shutdown.IsCancellationRequested)
            {
                End("shutdown", "the server is stopping; resume with Last-Event-ID");
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Live subscription on {Feed} stopped reading after event {LastEventId}", _source.Feed, _lastId);
            End("error", "the server could not read the feed; resume with Last-Event-ID");
        }
        finally
        {
            _buffer.Writer.TryComplete();
        }
    }

    private async Task<bool> WaitForRoomAsync(CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(_options.StallTimeout);
        try
        {
            return await _buffer.Writer.WaitToWriteAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private void End(string reason, string detail)
    {
        _end = reason;
        _endDetail = detail;
    }
}

/// <summary>A write to the subscriber blocked for the stall timeout; the host drops the connection (no message can get through).</summary>
public sealed class LiveSubscriberStalledException() : Exception("The live subscriber stopped reading.");
