namespace Serverless.EventSourcing.LocalHost.Tests.RunScript;

/// <summary>Two <c>./run.sh</c> on one data folder: the second waits for the first to stop, or refuses while it serves.</summary>
public class RunScriptOverlapTests
{
    [Fact]
    public async Task A_run_started_while_the_previous_one_is_still_stopping_waits_for_it_and_keeps_its_own_servers()
    {
        // Given ./run.sh serving, whose API then dies, so that it starts stopping Redis and PostgreSQL
        await using var workspace = new RunScriptWorkspace();
        var ports = RunScriptPorts.Free();
        await using var first = RunScript.Start(ports, workspace.Directory);
        await first.WaitUntilHealthyAsync();
        RunScript.Signal(first.ApiProcessId()!.Value, 9);

        // When a second run is started at once, before the first has finished stopping
        await using var second = RunScript.Start(ports, workspace.Directory);

        // Then the first stops, the second serves on its own PostgreSQL and Redis, and the first's cleanup left them up
        Assert.True(await first.ExitsWithinAsync(RunScript.ExitWait), $"the first run.sh did not stop:\n{first.Log}");
        await second.WaitUntilHealthyAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(second.HasExited, $"the second run.sh exited:\n{second.Log}");
        Assert.All(ports.All, port => Assert.True(RunScript.IsListening(port), $"port {port} is closed under the second run:\n{second.Log}"));
        Assert.Contains("Waiting for the previous run to finish stopping", second.Log, StringComparison.Ordinal);

        RunScript.Signal(second.ProcessId, 15);
        Assert.True(await second.ExitsWithinAsync(RunScript.ExitWait), $"run.sh did not stop on SIGTERM:\n{second.Log}");
        Assert.All(ports.All, port => Assert.False(RunScript.IsListening(port), $"port {port} is still open:\n{second.Log}"));
    }

    [Fact]
    public async Task A_run_started_while_another_serves_from_the_same_folder_refuses_and_leaves_it_serving()
    {
        // Given ./run.sh serving
        await using var workspace = new RunScriptWorkspace();
        var ports = RunScriptPorts.Free();
        await using var first = RunScript.Start(ports, workspace.Directory);
        await first.WaitUntilHealthyAsync();
        var api = first.ApiProcessId()!.Value;

        // When a second run is started on the same data folder
        await using var second = RunScript.Start(ports, workspace.Directory);

        // Then it exits with an error naming the other run, and the first keeps serving with the same API
        Assert.True(await second.ExitsWithinAsync(RunScript.ExitWait), $"the second run.sh kept running:\n{second.Log}");
        Assert.NotEqual(0, second.ExitCode);
        Assert.Contains("Another ./run.sh is serving from", second.Log, StringComparison.Ordinal);
        Assert.True(RunScript.IsApi(api), $"the first run's API was stopped:\n{first.Log}");
        await first.WaitUntilHealthyAsync();
        Assert.All(ports.All, port => Assert.True(RunScript.IsListening(port), $"port {port} closed under the first run:\n{first.Log}"));
    }
}
