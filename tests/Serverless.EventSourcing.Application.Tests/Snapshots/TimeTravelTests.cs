using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Application.Tests.Snapshots;

public class TimeTravelTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task State_as_of_each_version_equals_a_replay_of_that_prefix_with_or_without_snapshots()
    {
        var bank = new BankServices(db.DataSource, new CommandOptions { SnapshotPolicy = new SnapshotPolicy(4, null) });
        var id = await bank.OpenAsync();
        var amounts = new[] { 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 };
        foreach (var amount in amounts)
        {
            await bank.RunAsync(id, amount % 3 == 0 ? "withdraw" : "deposit", new { amount = 1 + (amount % 5), currency = "EUR" });
        }

        var events = (await bank.Store.ReadStreamAsync(StreamId.For("account", id), 1, 100)).Events;
        for (var version = 0; version <= events.Count; version++)
        {
            var replay = events.Take(version).Select(bank.Registry.Events.Deserialize).Aggregate(AccountState.Initial, AccountAggregate.Definition.Apply);

            Assert.Equal(replay, await bank.StateAsync(id, asOfVersion: version));
        }
    }

    [Fact]
    public async Task State_as_of_a_timestamp_equals_a_replay_of_the_events_up_to_it()
    {
        var bank = new BankServices(db.DataSource, new CommandOptions { SnapshotPolicy = new SnapshotPolicy(2, null) });
        var id = await bank.OpenAsync();
        var marks = new List<DateTimeOffset>();
        for (var i = 1; i <= 6; i++)
        {
            await bank.RunAsync(id, "deposit", new { amount = i * 10, currency = "EUR" });
            await Task.Delay(15);
            marks.Add(DateTimeOffset.UtcNow);
            await Task.Delay(15);
        }

        var events = (await bank.Store.ReadStreamAsync(StreamId.For("account", id), 1, 100)).Events;
        foreach (var mark in marks)
        {
            var replay = events.Where(e => e.CreatedAt <= mark).Select(bank.Registry.Events.Deserialize).Aggregate(AccountState.Initial, AccountAggregate.Definition.Apply);

            Assert.Equal(replay, await bank.StateAsync(id, asOf: mark));
        }

        Assert.Equal(AccountState.Initial, await bank.StateAsync(id, asOf: events[0].CreatedAt.AddSeconds(-1)));
        Assert.Equal(new AccountState(AccountStatus.Open, "Ada", "EUR", 210), await bank.StateAsync(id, asOf: DateTimeOffset.UtcNow.AddDays(1)));
    }
}
