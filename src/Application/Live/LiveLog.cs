using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Diagnostics;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Application.Live;

/// <summary>
/// The instance's one reader of the log for live subscribers, and the in-memory window it fills. It reads through the
/// store's gap-safe reader, woken by this instance's appends and polling for other instances' (no session LISTEN: it
/// would not survive a transaction-mode pooler), and runs only while someone subscribes. Subscribers filter the window in
/// memory; one whose position is older than the window reads the database until it is back in it. So the database sees
/// one reader per instance however many subscribers there are, and a slow subscriber costs only itself.
/// </summary>
public sealed class LiveLog(IEventStore store, LiveOptions options, AppendSignal signal, ILogger<LiveLog> logger) : IDisposable
{
    private const int MaxRead = 500;

    private static readonly KeyValuePair<string, object?> Shared = new("reader", "shared");
    private static readonly KeyValuePair<string, object?> CatchUp = new("reader", "catch_up");

    private readonly Lock _gate = new();
    private readonly LiveWindow _window = new(options.WindowEvents);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<string, int> _watched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _deleted = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();
    private int _users;
    private long _sharedReads;
    private long _catchUpReads;
    private bool _running;
    private bool _ready;

    /// <summary>Completes the next time the window takes events or a watched stream is found deleted. Take it before reading.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>The newest cursor read, once the reader has started (null before): every event committed later comes after it.</summary>
    public LogCursor? Head
    {
        get
        {
            lock (_gate)
            {
                return _ready ? _window.Head : null;
            }
        }
    }

    /// <summary>Database reads of this instance's one reader so far (also <c>es.live.log_reads</c> reader=shared).</summary>
    public long SharedReads => Interlocked.Read(ref _sharedReads);

    /// <summary>Database reads of subscribers behind the window so far (also <c>es.live.log_reads</c> reader=catch_up).</summary>
    public long CatchUpReads => Interlocked.Read(ref _catchUpReads);

    /// <summary>A subscriber behind the window read the database once.</summary>
    internal void CountCatchUpRead()
    {
        Interlocked.Increment(ref _catchUpReads);
        Telemetry.LiveReads.Add(1, CatchUp);
    }

    /// <summary>A subscriber arrives: the reader starts if it is not running. Dispose when it leaves.</summary>
    public IDisposable Join()
    {
        lock (_gate)
        {
            _users++;
            if (!_running && !_shutdown.IsCancellationRequested)
            {
                _running = true;
                _ = Task.Run(() => ReadAsync(_shutdown.Token));
            }
        }

        return new Leave(this);
    }

    /// <summary>Reads from the window; false when it has not started or <paramref name="after"/> is older than it (read the database).</summary>
    public bool TryRead(LogCursor after, int max, Func<EventEnvelope, bool> match, List<(LogCursor Cursor, EventEnvelope Event)> into, out LogCursor scanned, out bool more)
    {
        lock (_gate)
        {
            if (!_ready)
            {
                scanned = after;
                more = false;
                return false;
            }

            return _window.TryRead(after, max, match, into, out scanned, out more);
        }
    }

    /// <summary>A stream subscriber in the window: the reader looks every few polls whether its stream was deleted (events do not say).</summary>
    public IDisposable Watch(string stream)
    {
        _watched.AddOrUpdate(stream, 1, (_, n) => n + 1);
        return new Unwatch(this, stream);
    }

    public bool IsDeleted(string stream) => _deleted.ContainsKey(stream);

    /// <summary>Stops the reader for good (host shutdown).</summary>
    public void Stop() => _shutdown.Cancel();

    public void Dispose() => _shutdown.Dispose();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Pulse() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    private async Task ReadAsync(CancellationToken stop)
    {
        var cursor = (LogCursor?)null;
        var failures = 0;
        var polls = 0;
        while (true)
        {
            try
            {
                if (cursor is null)
                {
                    // Events committed from here on come after this cursor (none is skipped, however late it commits).
                    var start = (await store.LogStartAfterAsync(null, stop)).Cursor;
                    lock (_gate)
                    {
                        _window.Reset(start);
                        _ready = true;
                    }

                    cursor = start;
                    Pulse();
                }

                var slice = await store.ReadLogAsync(cursor.Value, MaxRead, stop);
                Interlocked.Increment(ref _sharedReads);
                Telemetry.LiveReads.Add(1, Shared);
                if (slice.Events.Count > 0)
                {
                    lock (_gate)
                    {
                        for (var i = 0; i < slice.Events.Count; i++)
                        {
                            _window.Add(slice.Cursors[i], slice.Events[i]);
                        }
                    }

                    cursor = slice.Next;
                    Pulse();
                }

                if (++polls % 4 == 0 && !_watched.IsEmpty)
                {
                    await CheckDeletedAsync(stop);
                }

                failures = 0;
                if (slice.Events.Count == MaxRead)
                {
                    continue;
                }

                lock (_gate)
                {
                    // Nobody left: stop reading; the next subscriber starts a fresh window.
                    if (_users == 0)
                    {
                        _running = false;
                        _ready = false;
                        _window.Reset(default);
                        return;
                    }
                }

                await signal.WaitAsync(options.Poll, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Subscribers in the window wait (they get the events once the database answers again); those
                // reading the database themselves are told by their own reads.
                failures++;
                logger.LogWarning(ex, "The live log reader could not read the log (attempt {Attempt}); retrying", failures);
                try
                {
                    await Task.Delay(LoopBackoff.After(failures), stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task CheckDeletedAsync(CancellationToken stop)
    {
        var found = await store.DeletedAmongAsync(_watched.Keys.ToList(), stop);
        var added = false;
        foreach (var stream in found)
        {
            added |= _deleted.TryAdd(stream, true);
        }

        if (added)
        {
            Pulse();
        }
    }

    private void Left()
    {
        lock (_gate)
        {
            _users--;
        }
    }

    private sealed class Leave(LiveLog log) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                log.Left();
            }
        }
    }

    private sealed class Unwatch(LiveLog log, string stream) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0
                && log._watched.AddOrUpdate(stream, 0, (_, n) => n - 1) <= 0
                && log._watched.TryRemove(new KeyValuePair<string, int>(stream, 0)))
            {
                log._deleted.TryRemove(stream, out _);
            }
        }
    }
}
