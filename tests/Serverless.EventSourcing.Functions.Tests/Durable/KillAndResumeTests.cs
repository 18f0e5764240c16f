using System.Diagnostics;
using Serverless.EventSourcing.Functions.Tests.Contract;

namespace Serverless.EventSourcing.Functions.Tests.Durable;

/// <summary>
/// The process running the saga orchestrations is killed (SIGKILL) mid-saga; a new process on the same task hub finishes
/// every saga from storage, and not a cent is created, lost or moved twice.
/// </summary>
public sealed class KillAndResumeTests(KillAndResumeTests.ClientOnly host) : IClassFixture<KillAndResumeTests.ClientOnly>
{
    /// <summary>What the worker processes wrote, shown when the test fails.</summary>
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    /// <summary>This process only starts sagas and reads them; worker processes run the orchestrations.</summary>
    public sealed class ClientOnly : DurableAppHost
    {
        protected override bool Dispatch => false;
    }

    [Fact]
    public async Task A_worker_killed_mid_saga_is_replaced_and_every_saga_finishes_with_money_conserved()
    {
        var sources = new List<string>();
        var targets = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            sources.Add(await host.Client.OpenAccountAsync(deposit: 100));
            targets.Add(await host.Client.OpenAccountAsync());
        }

        // One target is frozen: its transfer must end compensated, with the source refunded.
        await host.Client.PostAsync($"/api/aggregates/account/{targets[0]}/commands/freeze", Api.Json(new { reason = "test" }));

        using (var first = new Worker(await StartWorkerAsync()))
        {
            var sagas = new List<string>();
            for (var i = 0; i < sources.Count; i++)
            {
                sagas.Add(await Transfers.StartAsync(host.Client, sources[i], targets[i], 10));
            }

            // Kill it once work is under way but not all done.
            await WaitUntilAsync(async () => (await CountStepsAsync(sagas)) > 0, TimeSpan.FromSeconds(60));
            await first.KillAsync();
            var unfinished = 0;
            foreach (var saga in sagas)
            {
                unfinished += (await Transfers.StatusAsync(host.Client, saga)).GetProperty("status").GetString() is "running" or "compensating" ? 1 : 0;
            }

            Assert.True(unfinished > 0, "the worker must be killed before every saga finished");

            using var second = new Worker(await StartWorkerAsync());
            for (var i = 0; i < sagas.Count; i++)
            {
                JsonElement finished;
                try
                {
                    finished = await Transfers.FinishedAsync(host.Client, sagas[i], TimeSpan.FromSeconds(120));
                }
                catch (Exception ex)
                {
                    var instance = await host.DurableClient.GetInstanceAsync(sagas[i], getInputsAndOutputs: true);
                    throw new InvalidOperationException(
                        $"{ex.Message}\norchestration: {instance?.RuntimeStatus} {instance?.FailureDetails?.ErrorMessage} {instance?.SerializedCustomStatus} updated {instance?.LastUpdatedAt:O}\nworker output:\n{string.Join('\n', _output.TakeLast(60))}", ex);
                }

                var status = finished.GetProperty("status").GetString();
                var expected = i == 0 ? ("compensated", 100L, 0L) : ("completed", 90L, 10L);
                Assert.Equal(expected, (status, await Transfers.BalanceAsync(host.Client, sources[i]), await Transfers.BalanceAsync(host.Client, targets[i])));
            }
        }
    }

    private async Task<Process> StartWorkerAsync()
    {
        var redis = await RedisServer.GetSharedAsync();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Serverless.EventSourcing.Functions.Harness.dll"), host.Database.ConnectionString, host.Storage, host.TaskHub, redis.ConnectionString })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "READY")
            {
                ready.TrySetResult();
            }
            else if (e.Data is not null)
            {
                _output.Enqueue($"[{process.Id}] {e.Data}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _output.Enqueue($"[{process.Id}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return process;
    }

    private async Task<int> CountStepsAsync(IEnumerable<string> sagas)
    {
        var steps = 0;
        foreach (var saga in sagas)
        {
            steps += Transfers.Steps(await Transfers.StatusAsync(host.Client, saga)).Count(s => s == "SagaStepSucceeded");
        }

        return steps;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(20);
        }
    }

    /// <summary>A worker process that is killed when the test leaves its scope, passed or failed.</summary>
    private sealed class Worker(Process process) : IDisposable
    {
        public async Task KillAsync()
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }
}
