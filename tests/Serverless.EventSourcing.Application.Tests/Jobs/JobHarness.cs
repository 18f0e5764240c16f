using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Serverless.EventSourcing.Application.Jobs;
using Serverless.EventSourcing.Postgres.Maintenance;

namespace Serverless.EventSourcing.Application.Tests.Jobs;

/// <summary>A clock that moves forward a fixed step every time it is read: lets a test cut a job off after a known amount of work.</summary>
public sealed class TickingClock(TimeSpan step) : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow()
    {
        var now = _now;
        _now += step;
        return now;
    }
}

public sealed class JobHarness
{
    public JobHarness(NpgsqlDataSource dataSource, JobOptions options, TimeProvider? clock = null, ISnapshotStore? snapshots = null)
    {
        Bank = new BankServices(dataSource, new CommandOptions { SnapshotPolicy = SnapshotPolicy.Never }, snapshots: snapshots);
        Jobs = new MaintenanceJobs(new MaintenanceStore(dataSource), Bank.Registry, Bank.Repository, Bank.Snapshots, options, clock ?? TimeProvider.System, NullLogger<MaintenanceJobs>.Instance);
    }

    public BankServices Bank { get; }

    public MaintenanceJobs Jobs { get; }

    public async Task<string> AccountWithEventsAsync(int events)
    {
        var id = await Bank.OpenAsync();
        var batch = Enumerable.Range(0, events - 1).Select(i => Bank.Registry.Events.ToEventData(new AccountEvents.MoneyDeposited(1, "EUR", null), EventMetadata.Empty)).ToList();
        if (batch.Count > 0)
        {
            await Bank.Store.AppendAsync(StreamId.For("account", id), ExpectedVersion.Exactly(1), batch);
        }

        return id;
    }
}
