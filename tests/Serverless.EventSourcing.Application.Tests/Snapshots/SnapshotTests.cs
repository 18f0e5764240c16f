using System.Text.Json;
using Serverless.EventSourcing.Postgres.Snapshots;

namespace Serverless.EventSourcing.Application.Tests.Snapshots;

public class SnapshotTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task Saving_through_the_pipeline_snapshots_every_n_events_and_keeps_the_last_k()
    {
        var bank = new BankServices(db.DataSource, new CommandOptions { SnapshotPolicy = new SnapshotPolicy(5, null) });
        var id = await bank.OpenAsync();
        for (var i = 0; i < 23; i++)
        {
            await bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" });
        }

        var versions = await db.ScalarAsync<long[]>("select array_agg(version order by version) from es_snapshots where stream_id = $1", $"account-{id}");

        Assert.Equal([10L, 15, 20], versions);
        Assert.Equal(20L, await db.ScalarAsync<long>("select snapshot_version from es_streams where stream_id = $1", $"account-{id}"));
        Assert.Equal(23, (await bank.StateAsync(id)).Balance);
    }

    [Fact]
    public async Task A_load_starts_from_the_snapshot_and_applies_only_later_events()
    {
        var bank = new BankServices(db.DataSource, new CommandOptions { SnapshotPolicy = SnapshotPolicy.Never });
        var id = await bank.OpenAsync(deposit: 10);
        var stream = StreamId.For("account", id);
        // A planted snapshot whose balance could not come from the events proves the load used it.
        await bank.Snapshots.SaveAsync(new Snapshot(stream.Value, 2, 1, Serialize(new AccountState(AccountStatus.Open, "Ada", "EUR", 1_000)), DateTimeOffset.UtcNow));
        await bank.RunAsync(id, "deposit", new { amount = 5, currency = "EUR" });

        var loaded = await bank.Repository.LoadAsync(AccountAggregate.Definition, stream);

        Assert.Equal(2, loaded.SnapshotVersion);
        Assert.Equal(3, loaded.Version);
        Assert.Equal(1_005, ((AccountState)loaded.State).Balance);
    }

    [Fact]
    public async Task A_snapshot_of_another_state_schema_version_is_ignored()
    {
        var bank = new BankServices(db.DataSource, new CommandOptions { SnapshotPolicy = SnapshotPolicy.Never });
        var id = await bank.OpenAsync(deposit: 10);
        var stream = StreamId.For("account", id);
        // Written by an older build whose state had another shape (schema 0): must not be mis-read.
        await bank.Snapshots.SaveAsync(new Snapshot(stream.Value, 2, 0, "{\"bal\":999}", DateTimeOffset.UtcNow));

        var loaded = await bank.Repository.LoadAsync(AccountAggregate.Definition, stream);

        Assert.Equal(0, loaded.SnapshotVersion);
        Assert.Equal(new AccountState(AccountStatus.Open, "Ada", "EUR", 10), loaded.State);
    }

    [Fact]
    public async Task An_unreadable_snapshot_falls_back_to_the_events()
    {
        var bank = new BankServices(db.DataSource, new CommandOptions { SnapshotPolicy = SnapshotPolicy.Never });
        var id = await bank.OpenAsync(deposit: 10);
        var stream = StreamId.For("account", id);
        await bank.Snapshots.SaveAsync(new Snapshot(stream.Value, 2, 1, "[1,2,3]", DateTimeOffset.UtcNow));

        Assert.Equal(10, ((AccountState)(await bank.Repository.LoadAsync(AccountAggregate.Definition, stream)).State).Balance);
    }

    [Fact]
    public async Task Time_based_policy_snapshots_when_the_last_one_is_old()
    {
        var bank = new BankServices(db.DataSource, new CommandOptions { SnapshotPolicy = new SnapshotPolicy(null, TimeSpan.FromHours(1)) });
        var id = await bank.OpenAsync();
        var stream = StreamId.For("account", id);
        await new PostgresSnapshotStore(db.DataSource).SaveAsync(new Snapshot(stream.Value, 1, 1, Serialize(new AccountState(AccountStatus.Open, "Ada", "EUR", 0)), DateTimeOffset.UtcNow.AddMinutes(-30)));

        await bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" });
        var afterFresh = await db.ScalarAsync<long>("select max(version) from es_snapshots where stream_id = $1", stream.Value);
        await db.ExecuteAsync("update es_snapshots set taken_at = now() - interval '2 hours' where stream_id = $1", stream.Value);
        await bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" });
        var afterOld = await db.ScalarAsync<long>("select max(version) from es_snapshots where stream_id = $1", stream.Value);

        Assert.Equal(1, afterFresh);
        Assert.Equal(3, afterOld);
    }

    private static string Serialize(AccountState state) => JsonSerializer.Serialize(state, EventJson.Options);
}
