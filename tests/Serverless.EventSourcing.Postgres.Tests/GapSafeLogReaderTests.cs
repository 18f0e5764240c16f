using System.Collections.Concurrent;

namespace Serverless.EventSourcing.Postgres.Tests;

public class GapSafeLogReaderTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task An_event_that_commits_late_with_a_lower_position_is_not_skipped()
    {
        var cursor = await db.ReadToEndAsync(LogCursor.Start, []);
        var slow = StoreFixture.NewStream();
        var fast = StoreFixture.NewStream();

        // Given a writer that took a position and has not committed yet
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var late = await db.Store.AppendAsync(tx, slow, ExpectedVersion.NoStream, [StoreFixture.Event()]);

        // and a later writer that committed a higher position
        var early = await db.Store.AppendAsync(fast, ExpectedVersion.NoStream, [StoreFixture.Event()]);
        Assert.True(early.Positions[0] > late.Positions[0]);

        // when the reader reads now, it must hold back rather than step over the open position
        var seen = new List<EventEnvelope>();
        cursor = await db.ReadToEndAsync(cursor, seen);
        Assert.DoesNotContain(seen, e => e.StreamId == slow.Value);

        // then once the slow writer commits, the reader gets both, each once. (Transactions of other
        // tests on the same cluster can hold the horizon back a little: wait for it, never skip.)
        await tx.CommitAsync();
        await ReadUntilAsync(cursor, seen, () => seen.Any(e => e.StreamId == slow.Value) && seen.Any(e => e.StreamId == fast.Value));
        Assert.Single(seen, e => e.StreamId == slow.Value);
        Assert.Single(seen, e => e.StreamId == fast.Value);
    }

    [Fact]
    public async Task A_reader_racing_many_writers_sees_every_committed_event_exactly_once_in_stream_order()
    {
        var start = await db.ReadToEndAsync(LogCursor.Start, []);
        var streams = Enumerable.Range(0, 24).Select(_ => StoreFixture.NewStream("race")).ToArray();
        var committed = new ConcurrentBag<Guid>();
        var writersDone = 0;

        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < 60; i++)
            {
                var stream = streams[random.Next(streams.Length)];
                var batch = Enumerable.Range(0, random.Next(1, 4)).Select(_ => StoreFixture.Event()).ToList();
                // Half the appends hold their transaction open for a while, so commits land out of position order.
                await using var connection = await db.DataSource.OpenConnectionAsync();
                await using var tx = await connection.BeginTransactionAsync();
                await db.Store.AppendAsync(tx, stream, ExpectedVersion.Any, batch);
                if (random.Next(2) == 0)
                {
                    await Task.Delay(random.Next(1, 15));
                }

                if (random.Next(10) == 0)
                {
                    await tx.RollbackAsync();
                    continue;
                }

                await tx.CommitAsync();
                foreach (var e in batch)
                {
                    committed.Add(e.EventId);
                }
            }

            Interlocked.Increment(ref writersDone);
        })).ToArray();

        var seen = new List<EventEnvelope>();
        var cursor = start;
        while (Volatile.Read(ref writersDone) < writers.Length)
        {
            cursor = await db.ReadToEndAsync(cursor, seen);
            await Task.Delay(2);
        }

        await Task.WhenAll(writers);
        var ours = streams.Select(s => s.Value).ToHashSet();
        await ReadUntilAsync(cursor, seen, () => seen.Count(e => ours.Contains(e.StreamId)) >= committed.Count);
        seen.RemoveAll(e => !ours.Contains(e.StreamId));

        Assert.Equal(seen.Count, seen.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(committed.OrderBy(id => id), seen.Select(e => e.EventId).OrderBy(id => id));
        foreach (var stream in seen.GroupBy(e => e.StreamId))
        {
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.Select(e => e.StreamVersion));
        }
    }

    [Fact]
    public async Task Append_refuses_to_run_after_the_transaction_already_wrote()
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var write = new Npgsql.NpgsqlCommand("select pg_current_xact_id()", connection, tx))
        {
            await write.ExecuteScalarAsync();
        }

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            db.Store.AppendAsync(tx, StoreFixture.NewStream(), ExpectedVersion.Any, [StoreFixture.Event()]));
        Assert.Equal("ES005", error.SqlState);
    }

    private async Task ReadUntilAsync(LogCursor cursor, List<EventEnvelope> sink, Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            cursor = await db.ReadToEndAsync(cursor, sink);
            if (done() || DateTime.UtcNow > deadline)
            {
                // One more pass so a duplicate delivery, if any, would show up in the assertions.
                await db.ReadToEndAsync(cursor, sink);
                return;
            }

            await Task.Delay(20);
        }
    }
}
