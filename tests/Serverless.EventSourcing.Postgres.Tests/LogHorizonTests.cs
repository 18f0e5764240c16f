using Npgsql;
using Serverless.EventSourcing.Postgres.Commands;
using Serverless.EventSourcing.Postgres.EventStore;

namespace Serverless.EventSourcing.Postgres.Tests;

/// <summary>
/// Log readers wait only for transactions that can still commit events: not for other databases' transactions, not
/// for this database's transactions that never append, and not for a command that holds a stream lock but has not
/// written yet. An append held open does hold them back, is reported, and is not skipped when it commits.
/// </summary>
public class LogHorizonTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task Transactions_in_another_database_or_on_other_tables_do_not_hold_readers_back()
    {
        var cursor = await db.ReadToEndAsync(LogCursor.Start, []);
        await db.ExecuteAsync("create table if not exists unrelated (x int)");
        var otherDatabase = await db.Server.CreateDatabaseAsync();
        try
        {
            // Given a transaction in another database and one in this database, both with an xid, left open
            await using var elsewhere = await OpenInTransactionAsync(otherDatabase, "select pg_current_xact_id()");
            await using var sameDatabase = await OpenInTransactionAsync(db.ConnectionString, "insert into unrelated values (1)");

            // when an event is appended after them
            var stream = StoreFixture.NewStream();
            await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [StoreFixture.Event()]);

            // then a reader gets it at once, while both are still open
            Assert.True(await ReadsWhileHeldAsync(cursor, stream), "a reader must get the event while both stay open");
            Assert.Empty(await new LogHorizon(db.DataSource).BlockersAsync(TimeSpan.Zero));
        }
        finally
        {
            await db.Server.DropDatabaseAsync(otherDatabase);
        }
    }

    [Fact]
    public async Task A_command_holding_its_stream_lock_before_writing_does_not_hold_readers_back()
    {
        var cursor = await db.ReadToEndAsync(LogCursor.Start, []);
        var commands = new PostgresCommandStore(db.DataSource, db.Store);
        await using var deciding = await commands.BeginAsync(StoreFixture.NewStream(), null, null);

        var other = StoreFixture.NewStream();
        await db.Store.AppendAsync(other, ExpectedVersion.NoStream, [StoreFixture.Event()]);

        Assert.True(await ReadsWhileHeldAsync(cursor, other), "a reader must get the event while the command decides");
    }

    /// <summary>
    /// Reads until the stream's event arrives, for a few seconds at most. One read may come up short: a transaction
    /// of another database (the parallel tests') that commits between the reader's snapshot and its status check
    /// counts as a possible appender for that read only. What the tests hold open stays open throughout, so a
    /// transaction that really held readers back still fails them.
    /// </summary>
    private async Task<bool> ReadsWhileHeldAsync(LogCursor cursor, StreamId stream)
    {
        var seen = new List<EventEnvelope>();
        for (var deadline = DateTime.UtcNow.AddSeconds(3); DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            cursor = await db.ReadToEndAsync(cursor, seen);
            if (seen.Any(e => e.StreamId == stream.Value))
            {
                return true;
            }
        }

        return false;
    }

    [Fact]
    public async Task An_open_append_holds_readers_back_is_reported_and_is_not_skipped_when_it_commits_late()
    {
        var cursor = await db.ReadToEndAsync(LogCursor.Start, []);
        var slow = StoreFixture.NewStream();
        var fast = StoreFixture.NewStream();

        // Given an append that took a lower position and stays open
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var late = await db.Store.AppendAsync(tx, slow, ExpectedVersion.NoStream, [StoreFixture.Event()]);
        var early = await db.Store.AppendAsync(fast, ExpectedVersion.NoStream, [StoreFixture.Event()]);
        Assert.True(early.Positions[0] > late.Positions[0]);

        // then readers wait for it, and it is named as what they wait for
        var seen = new List<EventEnvelope>();
        cursor = await db.ReadToEndAsync(cursor, seen);
        Assert.DoesNotContain(seen, e => e.StreamId == slow.Value || e.StreamId == fast.Value);
        var blocker = Assert.Single(await new LogHorizon(db.DataSource).BlockersAsync(TimeSpan.Zero));
        Assert.Equal(connection.ProcessID, blocker.Pid);

        // and once it commits, both arrive, each once
        await tx.CommitAsync();
        await db.ReadToEndAsync(cursor, seen);
        Assert.Single(seen, e => e.StreamId == slow.Value);
        Assert.Single(seen, e => e.StreamId == fast.Value);
        Assert.Empty(await new LogHorizon(db.DataSource).BlockersAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task An_append_whose_owner_the_lock_table_cannot_name_holds_readers_back_until_it_commits()
    {
        // An appender between getting its xid and locking it (microseconds, seen once as a lost live event) is in
        // every snapshot but not yet in pg_locks. A prepared transaction is the same blind spot held still: its xid is
        // in progress, its locks have no pid.
        await using (var settings = db.DataSource.CreateCommand("select current_setting('max_prepared_transactions')::int"))
        {
            Assert.True((int)(await settings.ExecuteScalarAsync())! > 0,
                "this test needs max_prepared_transactions > 0 (the test clusters set it; set it on a server given by POSTGRES_CONNECTION_STRING)");
        }

        var cursor = await db.ReadToEndAsync(LogCursor.Start, []);
        var slow = StoreFixture.NewStream();
        var fast = StoreFixture.NewStream();
        var gid = "es-horizon-" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(db.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        try
        {
            // Given an append that took a lower position and is prepared, not committed
            await ExecuteAsync(connection, "begin");
            await ExecuteAsync(connection,
                "select es_append_events($1, $2, -1, array[gen_random_uuid()], array['Deposited'], array[1], array['{}'::json], array['{}'::json], array[null::text], array[null::text], array[]::text[])",
                slow.Value, slow.Category);
            await ExecuteAsync(connection, $"prepare transaction '{gid}'");

            await db.Store.AppendAsync(fast, ExpectedVersion.NoStream, [StoreFixture.Event()]);

            // then readers wait for it
            var seen = new List<EventEnvelope>();
            cursor = await db.ReadToEndAsync(cursor, seen);
            Assert.DoesNotContain(seen, e => e.StreamId == slow.Value || e.StreamId == fast.Value);

            // and once it commits, both arrive, each once
            await ExecuteAsync(connection, $"commit prepared '{gid}'");

            await db.ReadToEndAsync(cursor, seen);
            Assert.Single(seen, e => e.StreamId == slow.Value);
            Assert.Single(seen, e => e.StreamId == fast.Value);
        }
        finally
        {
            // A prepared transaction left behind would hold every reader of this database back.
            await using var left = new NpgsqlCommand($"select count(*) from pg_prepared_xacts where gid = '{gid}'", connection);
            if ((long)(await left.ExecuteScalarAsync())! > 0)
            {
                await ExecuteAsync(connection, $"rollback prepared '{gid}'");
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task<NpgsqlConnection> OpenInTransactionAsync(string connectionString, string sql)
    {
        var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var begin = new NpgsqlCommand("begin; " + sql, connection);
        await begin.ExecuteNonQueryAsync();
        return connection;
    }
}
