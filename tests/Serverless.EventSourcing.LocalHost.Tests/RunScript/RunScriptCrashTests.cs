namespace Serverless.EventSourcing.LocalHost.Tests.RunScript;

/// <summary><c>./run.sh</c> stops what it started however the API ends, and a second run works after any crash.</summary>
public class RunScriptCrashTests
{
    [Fact]
    public async Task When_the_api_is_killed_run_sh_stops_postgres_and_redis_and_a_second_run_serves_again()
    {
        // Given ./run.sh serving on free ports
        await using var workspace = new RunScriptWorkspace();
        var ports = RunScriptPorts.Free();
        await using (var first = RunScript.Start(ports, workspace.Directory))
        {
            await first.WaitUntilHealthyAsync();

            // When its API process is killed outright
            RunScript.Signal(first.ApiProcessId()!.Value, 9);

            // Then the script exits, and PostgreSQL and Redis are stopped with it
            Assert.True(await first.ExitsWithinAsync(RunScript.ExitWait), $"run.sh kept running after its API died:\n{first.Log}");
            Assert.All(ports.All, port => Assert.False(RunScript.IsListening(port), $"port {port} is still open:\n{first.Log}"));
        }

        // And a second run on the same data folder serves again, and SIGTERM stops everything it started
        await using var second = RunScript.Start(ports, workspace.Directory);
        await second.WaitUntilHealthyAsync();
        RunScript.Signal(second.ProcessId, 15);
        Assert.True(await second.ExitsWithinAsync(RunScript.ExitWait), $"run.sh did not stop on SIGTERM:\n{second.Log}");
        Assert.All(ports.All, port => Assert.False(RunScript.IsListening(port), $"port {port} is still open:\n{second.Log}"));
    }

    [Fact]
    public async Task A_run_killed_outright_leaves_servers_and_a_dead_cluster_behind_and_the_next_run_takes_over()
    {
        // Given ./run.sh serving, then killed outright itself (its API and Redis keep running), and then its
        // PostgreSQL killed as well, leaving a postmaster.pid that names a dead process
        await using var workspace = new RunScriptWorkspace();
        var ports = RunScriptPorts.Free();
        int leftoverApi;
        await using (var first = RunScript.Start(ports, workspace.Directory))
        {
            await first.WaitUntilHealthyAsync();
            leftoverApi = first.ApiProcessId()!.Value;
            RunScript.Signal(first.ProcessId, 9);
            Assert.True(await first.ExitsWithinAsync(RunScript.ExitWait));
        }

        RunScript.Signal(workspace.PostmasterProcessId()!.Value, 9);
        await Task.Delay(500);
        Assert.True(File.Exists(workspace.PostmasterPidFile));
        Assert.True(RunScript.IsListening(ports.Redis), "the killed run's Redis should still be running");

        // When the script is started again
        await using var second = RunScript.Start(ports, workspace.Directory);

        // Then it stops the leftovers, starts its own servers and serves, and SIGTERM stops everything
        await second.WaitUntilHealthyAsync(notProcess: leftoverApi);
        Assert.False(RunScript.IsApi(leftoverApi), "the leftover API is still running");
        RunScript.Signal(second.ProcessId, 15);
        Assert.True(await second.ExitsWithinAsync(RunScript.ExitWait), $"run.sh did not stop on SIGTERM:\n{second.Log}");
        Assert.All(ports.All, port => Assert.False(RunScript.IsListening(port), $"port {port} is still open:\n{second.Log}"));
    }
}
