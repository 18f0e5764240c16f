namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>
/// Timers run on the shared <c>Schedules:*</c> settings: the relay on <c>Schedules:Relay</c> (Functions only: the local
/// host reads the log directly), snapshots and cleanup on <c>Schedules:Snapshot</c> and <c>Schedules:Cleanup</c>, the
/// keys the local host's scheduler reads for the same jobs.
/// </summary>
public sealed class TimerTriggersUseScheduleSettingsTests
{
    private readonly FunctionsSourceModel _functions = FunctionsSourceModel.Parse(RepositoryFiles.FunctionsSources());

    [Fact]
    public void Every_timer_runs_on_a_schedules_setting_of_the_sample_and_not_on_startup()
    {
        var violations = TimerSchedules.FindViolations(_functions.TimerTriggers, SampleSettings.LoadKeys());

        Assert.Empty(violations);
        Assert.NotEmpty(_functions.TimerTriggers);
    }

    [Fact]
    public void Every_timer_but_the_relay_runs_on_a_schedule_the_local_host_also_schedules()
    {
        // The relay is the Azure delivery (log → Kafka); locally the catch-up loops read the log themselves.
        var azure = _functions.TimerTriggers.Select(t => t.Schedule!.Trim('%')).Where(s => s != "Schedules:Relay").Order().ToList();

        Assert.Equal(LocalHost.Background.MaintenanceSchedule.ScheduleKeys.Order().ToList(), azure);
    }

    [Theory]
    [InlineData("RelayEvents", "Relay")]
    [InlineData("SnapshotJob", "Snapshot")]
    [InlineData("CleanupJob", "Cleanup")]
    public void Each_timer_runs_on_its_schedule_which_the_sample_sets_as_a_six_field_ncrontab(string function, string schedule)
    {
        var timer = Assert.Single(_functions.TimerTriggers, t => t.Name == function);

        var sample = SampleSettings.LoadValues();

        Assert.Equal($"%Schedules:{schedule}%", timer.Schedule);
        Assert.False(timer.RunOnStartup);
        Assert.True(sample.TryGetValue($"Schedules__{schedule}", out var expression), $"local.settings.sample.json has no Schedules__{schedule}");
        Assert.Equal(6, expression!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void The_app_has_exactly_the_relay_snapshot_and_cleanup_timers()
    {
        Assert.Equal(["CleanupJob", "RelayEvents", "SnapshotJob"], _functions.TimerTriggers.Select(t => t.Name).Order(StringComparer.Ordinal));
    }
}
