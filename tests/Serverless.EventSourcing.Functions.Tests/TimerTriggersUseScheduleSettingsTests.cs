namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>Timers run on the shared <c>Schedules:*</c> settings, the relay on <c>Schedules:Relay</c>.</summary>
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
    public void The_relay_runs_on_the_relay_schedule_which_the_sample_sets_as_a_six_field_ncrontab()
    {
        var relay = Assert.Single(_functions.TimerTriggers, t => t.Name == "RelayEvents");

        var sample = SampleSettings.LoadValues();

        Assert.Equal("%Schedules:Relay%", relay.Schedule);
        Assert.False(relay.RunOnStartup);
        Assert.True(sample.TryGetValue("Schedules__Relay", out var schedule), "local.settings.sample.json has no Schedules__Relay");
        Assert.Equal(6, schedule!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
