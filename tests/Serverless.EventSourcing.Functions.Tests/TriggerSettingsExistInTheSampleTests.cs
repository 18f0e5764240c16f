namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>Every <c>%Setting%</c> the Functions app relies on is part of the settings contract.</summary>
public sealed class TriggerSettingsExistInTheSampleTests
{
    [Fact]
    public void Every_setting_referenced_by_a_trigger_attribute_is_a_key_of_the_sample_settings()
    {
        var functions = FunctionsSourceModel.Parse(RepositoryFiles.FunctionsSources());

        var violations = SettingsContract.FindViolations(functions.SettingReferences, SampleSettings.LoadKeys());

        Assert.Empty(violations);
    }

    [Fact]
    public void Every_setting_referenced_by_host_json_is_a_key_of_the_sample_settings()
    {
        var references = SettingsContract.InHostJson(File.ReadAllText(RepositoryFiles.HostJsonPath));

        var violations = SettingsContract.FindViolations(references, SampleSettings.LoadKeys());

        Assert.Empty(violations);
        Assert.Contains(references, r => r.Setting == "DurableTask:HubName");
    }
}
