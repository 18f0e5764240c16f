using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Serverless.EventSourcing.TestKit.Servers;

/// <summary>
/// Azurite (the Azure Storage emulator, from npm) on free loopback ports, in memory, for the Durable Functions
/// storage backend. Found at <c>AZURITE_PATH</c> (test.sh installs it under .tools/), in a node_modules above the
/// test, or on PATH; <c>AZURITE_CONNECTION_STRING</c> replaces it with an existing one. Missing, the run fails.
/// </summary>
public sealed partial class AzuriteServer : IAsyncDisposable
{
    // The emulator's well-known development account; public, and accepted by nothing but an emulator.
    private const string Account = "devstoreaccount1";
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly Lazy<Task<AzuriteServer>> Shared = new(StartAsync);

    private readonly Process? _process;

    private AzuriteServer(string connectionString, Process? process)
    {
        ConnectionString = connectionString;
        _process = process;
    }

    public string ConnectionString { get; }

    public static Task<AzuriteServer> GetSharedAsync() => Shared.Value;

    private static async Task<AzuriteServer> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new AzuriteServer(configured, null);
        }

        var executable = FindExecutable() ?? throw new InvalidOperationException(
            "Azurite is not installed and AZURITE_CONNECTION_STRING is not set; ./test.sh installs it (npm install --prefix .tools/azurite azurite@3.37.0).");
        var info = new ProcessStartInfo(executable, [
            "--blobHost", "127.0.0.1", "--blobPort", "0", "--queueHost", "127.0.0.1", "--queuePort", "0", "--tableHost", "127.0.0.1", "--tablePort", "0",
            // Without --disableTelemetry it may not exit on SIGTERM; --loose/--skipApiVersionCheck accept the SDKs' newer headers.
            "--disableTelemetry", "--loose", "--skipApiVersionCheck", "--inMemoryPersistence",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var ports = new Dictionary<string, int>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is not null && Listening().Match(line) is { Success: true } m)
            {
                lock (ports)
                {
                    ports[m.Groups[1].Value] = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                    if (ports.Count == 3)
                    {
                        ready.TrySetResult();
                    }
                }
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ProcessRunner.CleanUpWhenGone($"kill {process.Id} 2>/dev/null");
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var connectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={DevelopmentKey};" +
            $"BlobEndpoint=http://127.0.0.1:{ports["Blob"]}/{Account};QueueEndpoint=http://127.0.0.1:{ports["Queue"]}/{Account};TableEndpoint=http://127.0.0.1:{ports["Table"]}/{Account};";
        return new AzuriteServer(connectionString, process);
    }

    private static string? FindExecutable()
    {
        if (Environment.GetEnvironmentVariable("AZURITE_PATH") is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (var candidate in new[] { ".tools/azurite/node_modules/.bin/azurite", "node_modules/.bin/azurite" })
            {
                var path = Path.Combine(directory.FullName, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return ProcessRunner.FindExecutable("azurite");
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
        }

        _process?.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at http://[^:]+:(\d+)")]
    private static partial Regex Listening();
}
