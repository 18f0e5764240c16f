using Serverless.EventSourcing.Application.Jobs;
using Serverless.EventSourcing.Functions.Tests.Metadata;

namespace Serverless.EventSourcing.Functions.Tests.Settings;

/// <summary>Every <c>%Setting%</c> the built app and host.json rely on is a key of the settings contract.</summary>
public sealed class TriggerSettingsTests
{
    [Fact]
    public void Every_setting_a_binding_of_the_built_app_references_is_a_key_of_the_sample_settings()
    {
        var references = SettingsContract.InMetadata(FunctionsMetadata.Load());

        Assert.Empty(SettingsContract.FindViolations(references, SampleSettings.LoadKeys()));
        Assert.Contains(references, r => r.Setting == JobSchedules.Relay);
    }

    [Fact]
    public void Every_setting_referenced_by_host_json_is_a_key_of_the_sample_settings()
    {
        var references = SettingsContract.InHostJson(File.ReadAllText(RepositoryFiles.HostJsonPath));

        Assert.Empty(SettingsContract.FindViolations(references, SampleSettings.LoadKeys()));
        Assert.Contains(references, r => r.Setting == "DurableTask:HubName");
    }

    [Fact]
    public void A_double_underscore_or_unknown_setting_is_reported()
    {
        var violations = SettingsContract.FindViolations(
            [new SettingReference("Schedules__Relay", "a"), new SettingReference("Nope:Missing", "b")], SampleSettings.LoadKeys());

        Assert.Equal(2, violations.Count);
    }

    [Theory]
    [InlineData(JobSchedules.Snapshot)]
    [InlineData(JobSchedules.Cleanup)]
    [InlineData(JobSchedules.Relay)]
    [InlineData(JobSchedules.Rebuild)]
    public void The_sample_sets_each_schedule_as_a_six_field_ncrontab(string key)
    {
        Assert.True(SampleSettings.LoadValues().TryGetValue(key.Replace(":", "__", StringComparison.Ordinal), out var expression));
        Assert.Equal(6, expression!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
