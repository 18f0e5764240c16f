using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>
/// Live subscriptions at 0, 1,000 and 5,000 SSE subscribers on one local host (clients in the same process, over
/// loopback): PostgreSQL's transactions per second while idle, then, at 0 and 1,000, HTTP appends at a steady 100 events/s
/// with the append P50 and every subscriber checked for every event once and in order. Nine in ten subscribers watch one
/// stream each (100 streams), one in ten the whole category, as a UI per account and a few dashboards would.
/// </summary>
public static class LiveFanoutScenario
{
    private const int Streams = 100;
    private const int RatePerSecond = 100;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(20);

    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale)
    {
        var rows = new List<BenchmarkResult>();
        foreach (var subscribers in new[] { 0, 1000, 5000 })
        {
            rows.Add(await MeasureAsync(subscribers, appendSeconds: 10 * scale));
        }

        return rows;
    }

    private static async Task<BenchmarkResult> MeasureAsync(int subscribers, int appendSeconds)
    {
        await using var db = await BenchmarkDatabase.CreateAsync();
        // The product's defaults throughout: its subscriber cap (Live:MaxSubscribers, 5,000) is what the 5,000 row justifies.
        await using var host = await LocalHostUnderTest.StartAsync(db);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = host.Address, Timeout = Timeout.InfiniteTimeSpan };
        for (var s = 0; s < Streams; s++)
        {
            await AppendAsync(http, $"fan-{s}");
        }

        // Every row's host warmed alike (JIT, pools) on streams no subscriber watches, so the 0-subscriber row is not the cold one.
        for (var w = 0; w < 500; w++)
        {
            await AppendAsync(http, $"warm-{w % 10}");
        }

        var feeds = new Feed[subscribers];
        using var gone = new CancellationTokenSource();
        var opening = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, subscribers).Select(async i =>
        {
            await opening.WaitAsync();
            try
            {
                feeds[i] = await Feed.OpenAsync(http, i % 10 == 0 ? null : (i / 10) % Streams, gone.Token);
            }
            finally
            {
                opening.Release();
            }
        }));

        // Idle: what the subscribers cost the database when nothing is written (start-up work settled first).
        await Task.Delay(TimeSpan.FromSeconds(5));
        var commitsBefore = await db.CommitsAsync();
        var idleStarted = Stopwatch.GetTimestamp();
        await Task.Delay(Idle);
        var idleCommits = (await db.CommitsAsync() - commitsBefore) / Stopwatch.GetElapsedTime(idleStarted).TotalSeconds;
        var connected = feeds.Count(f => !f.Ended && f.Heartbeats > 0);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        var workingSetMb = process.WorkingSet64 / 1024.0 / 1024.0;
        var idleNote = $"idle {Idle.TotalSeconds:0} s: {idleCommits:0.0} PostgreSQL commits/s; {connected}/{subscribers} subscribers connected with a heartbeat; process working set {workingSetMb:0} MB (API and all clients), managed heap {GC.GetTotalMemory(false) / 1024.0 / 1024.0:0} MB";

        double? rate = null;
        var appendLatencies = new Latencies();
        var delivery = new Latencies();
        var complete = subscribers;
        var shortfall = "";
        if (appendSeconds > 0)
        {
            var issued = new ConcurrentDictionary<(int Stream, long Version), long>();
            foreach (var feed in feeds)
            {
                feed.Deliveries = delivery;
                feed.Issued = issued;
            }

            var total = RatePerSecond * appendSeconds;
            var started = Stopwatch.GetTimestamp();
            var inFlight = new List<Task>();
            for (var i = 0; i < total; i++)
            {
                var due = TimeSpan.FromSeconds((double)i / RatePerSecond) - Stopwatch.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }

                // Stream s gets one append a second: its versions are known before the append (2, 3, …), so a subscriber
                // can match what it receives to when it was asked for without waiting for the answer.
                var stream = i % Streams;
                var version = 2L + (i / Streams);
                issued[(stream, version)] = Stopwatch.GetTimestamp();
                inFlight.Add(appendLatencies.TimeAsync(() => AppendAsync(http, $"fan-{stream}")));
            }

            await Task.WhenAll(inFlight);
            rate = Math.Round(total / Stopwatch.GetElapsedTime(started).TotalSeconds, 1);
            var perStream = total / Streams;
            for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && !feeds.All(f => f.Received >= f.Expected(total, perStream)); )
            {
                await Task.Delay(100);
            }

            complete = feeds.Count(f => f.IsComplete(total, perStream));
            shortfall = string.Join("; ", feeds.Select(f => f.Outcome(total, perStream)).Where(o => o != "complete").GroupBy(o => o).OrderByDescending(g => g.Count()).Take(5).Select(g => $"{g.Count()}× {g.Key}"));
        }

        await gone.CancelAsync();
        await Task.WhenAll(feeds.Select(f => f.DisposeAsync().AsTask()));
        var deliveryNote = appendSeconds > 0
            ? $"; {RatePerSecond} appends/s asked for {appendSeconds} s over HTTP: append P50 {appendLatencies.Percentile(50)} P99 {appendLatencies.Percentile(99)} ms; {complete}/{subscribers} subscribers got every event once, in order{(shortfall.Length > 0 ? $" (the rest: {shortfall})" : "")}; P50/P99 = append asked → event received"
            : "";
        return new BenchmarkResult("live-fanout", subscribers, rate, subscribers > 0 && appendSeconds > 0 ? delivery.Percentile(50) : null, subscribers > 0 && appendSeconds > 0 ? delivery.Percentile(99) : null,
            Note: $"{subscribers} SSE subscribers (9 in 10 on one of {Streams} streams, 1 in 10 on the category); {idleNote}{deliveryNote}; events_per_s = append rate achieved")
        {
            IdleCommitsPerSecond = Math.Round(idleCommits, 1),
            AppendP50Ms = appendSeconds > 0 ? appendLatencies.Percentile(50) : null,
            WorkingSetMb = Math.Round(workingSetMb, 0),
            SubscribersComplete = appendSeconds > 0 ? complete : null,
        };
    }

    private static async Task<bool> AppendAsync(HttpClient http, string stream)
    {
        using var response = await http.PostAsync($"/api/streams/{stream}/events", new StringContent("""{"events":[{"type":"ticked","data":{}}]}""", Encoding.UTF8, "application/json"));
        return response.IsSuccessStatusCode ? true : throw new InvalidOperationException($"append answered {(int)response.StatusCode}");
    }

    /// <summary>One subscriber: a raw text/event-stream reader that counts heartbeats and checks each event it gets.</summary>
    private sealed class Feed : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly int? _stream;
        private readonly Task _reading;
        private readonly HashSet<(int, long)> _seen = [];
        private (ulong, long) _lastCursor;
        private long _lastVersion = 1;
        private bool _inOrder = true;

        private Feed(HttpResponseMessage response, int? stream, CancellationToken gone)
        {
            _response = response;
            _stream = stream;
            _reading = Task.Run(() => ReadAsync(gone), CancellationToken.None);
        }

        public int Heartbeats { get; private set; }

        public int Received { get; private set; }

        public bool Ended { get; private set; }

        /// <summary>The reason of the server's close message, if it sent one.</summary>
        public string? Closed { get; private set; }

        public string Outcome(int total, int perStream) =>
            IsComplete(total, perStream) ? "complete" : $"{(_stream is null ? "log" : "stream")} got {Received}/{Expected(total, perStream)}{(_inOrder ? "" : " out of order")}{(_seen.Count != Received ? " with duplicates" : "")}{(Closed is null ? "" : $", closed '{Closed}'")}";

        public Latencies? Deliveries { get; set; }

        public ConcurrentDictionary<(int Stream, long Version), long>? Issued { get; set; }

        public static async Task<Feed> OpenAsync(HttpClient http, int? stream, CancellationToken gone)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, stream is { } s ? $"/api/streams/fan-{s}/live" : "/api/events/live?category=fan");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, gone);
            if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            {
                throw new InvalidOperationException($"subscription answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(gone)}");
            }

            return new Feed(response, stream, gone);
        }

        public int Expected(int total, int perStream) => _stream is null ? total : perStream;

        public bool IsComplete(int total, int perStream) => _inOrder && Received == Expected(total, perStream) && _seen.Count == Received;

        private async Task ReadAsync(CancellationToken gone)
        {
            try
            {
                using var reader = new StreamReader(await _response.Content.ReadAsStreamAsync(gone), Encoding.UTF8);
                string? id = null;
                var closing = false;
                while (await reader.ReadLineAsync(gone) is { } line)
                {
                    if (line.StartsWith(": heartbeat", StringComparison.Ordinal))
                    {
                        Heartbeats++;
                    }
                    else if (line.StartsWith("id: ", StringComparison.Ordinal))
                    {
                        id = line[4..];
                    }
                    else if (line.StartsWith("event: es:close", StringComparison.Ordinal))
                    {
                        closing = true;
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && closing)
                    {
                        Closed = JsonDocument.Parse(line[6..]).RootElement.GetProperty("reason").GetString();
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && id is not null)
                    {
                        OnEvent(id, line.AsSpan(6));
                        id = null;
                    }
                }
            }
            catch (OperationCanceledException) when (gone.IsCancellationRequested)
            {
            }
            catch (IOException) when (gone.IsCancellationRequested)
            {
            }
            finally
            {
                Ended = true;
            }
        }

        private void OnEvent(string id, ReadOnlySpan<char> data)
        {
            var now = Stopwatch.GetTimestamp();
            int stream;
            long version;
            if (_stream is { } s)
            {
                stream = s;
                version = long.Parse(id, CultureInfo.InvariantCulture);
                _inOrder &= version == _lastVersion + 1;
                _lastVersion = version;
            }
            else
            {
                using var json = JsonDocument.Parse(data.ToString());
                var streamId = json.RootElement.GetProperty("streamId").GetString()!;
                stream = int.Parse(streamId.AsSpan(4), CultureInfo.InvariantCulture);
                version = json.RootElement.GetProperty("streamVersion").GetInt64();
                // The log's order is its cursor's, (transaction id, global position), as the id carries it: positions
                // alone may go back where transactions committed out of order.
                var colon = id.IndexOf(':', StringComparison.Ordinal);
                var cursor = (ulong.Parse(id.AsSpan(0, colon), CultureInfo.InvariantCulture), long.Parse(id.AsSpan(colon + 1), CultureInfo.InvariantCulture));
                _inOrder &= cursor.CompareTo(_lastCursor) > 0 && cursor.Item2 == json.RootElement.GetProperty("globalPosition").GetInt64();
                _lastCursor = cursor;
            }

            _seen.Add((stream, version));
            Received++;
            if (Issued is not null && Issued.TryGetValue((stream, version), out var asked))
            {
                Deliveries?.Add(Stopwatch.GetElapsedTime(asked, now).TotalMilliseconds);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _response.Dispose();
            try
            {
                await _reading;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or HttpRequestException)
            {
                // hung up by us
            }
        }
    }
}
