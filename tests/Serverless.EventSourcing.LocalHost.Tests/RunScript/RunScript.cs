using System.Diagnostics;
using System.Net.Sockets;

namespace Serverless.EventSourcing.LocalHost.Tests.RunScript;

/// <summary>
/// One <c>./run.sh</c> of the repository, on free ports with a data folder of its own, using the local host the test
/// build already produced (<c>RUN_SKIP_BUILD=1</c>). Its output goes to <c>run.log</c> in the data folder.
/// </summary>
internal sealed class RunScript : IAsyncDisposable
{
    private readonly Process _process;

    private RunScript(Process process, RunScriptPorts ports, string dataDirectory)
    {
        _process = process;
        Ports = ports;
        DataDirectory = dataDirectory;
    }

    /// <summary>How long a script is given to exit once it should (its cleanup stops PostgreSQL and Redis).</summary>
    public static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(60);

    public RunScriptPorts Ports { get; }

    public string DataDirectory { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    private string LogPath => Path.Combine(DataDirectory, "run.log");

    public static RunScript Start(RunScriptPorts ports, string dataDirectory)
    {
        var root = Adoption.ToolRunner.Root;
        var log = Path.Combine(dataDirectory, "run.log");
        var info = new ProcessStartInfo("bash", ["-c", $"exec ./run.sh >>'{log}' 2>&1"]) { WorkingDirectory = root, UseShellExecute = false };
        info.Environment["RUN_PG_PORT"] = ports.Postgres.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["RUN_REDIS_PORT"] = ports.Redis.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["RUN_DATA_DIR"] = dataDirectory;
        info.Environment["RUN_SKIP_BUILD"] = "1";
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ports.Api}";
        info.Environment["LOCAL_SETTINGS_PATH"] = Path.Combine(dataDirectory, "local.settings.json");
        info.Environment.Remove("Postgres__ConnectionString");
        info.Environment.Remove("Redis__ConnectionString");
        return new RunScript(Process.Start(info) ?? throw new InvalidOperationException("Could not start run.sh."), ports, dataDirectory);
    }

    /// <summary>The API process this script started (a child of it, so never a leftover of an earlier run).</summary>
    public int? ApiProcessId()
    {
        foreach (var entry in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid) && ParentOf(pid) == _process.Id && IsApi(pid))
            {
                return pid;
            }
        }

        return null;
    }

    /// <summary>True while <paramref name="pid"/> is a live local host API process (a zombie has no command line).</summary>
    public static bool IsApi(int pid) => Read(Path.Combine("/proc", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "cmdline")).Contains("Serverless.EventSourcing.LocalHost", StringComparison.Ordinal);

    private static int? ParentOf(int pid)
    {
        // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after its closing parenthesis.
        var stat = Read(Path.Combine("/proc", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "stat"));
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 1 && int.TryParse(fields[1], out var parent) ? parent : null;
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Waits until this run's API (not a leftover) answers <c>/api/health</c> with 200.</summary>
    public async Task WaitUntilHealthyAsync(int? notProcess = null)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Ports.Api}"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            Assert.False(_process.HasExited, $"run.sh exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Log}");
            Assert.True(DateTime.UtcNow < deadline, $"run.sh did not serve /api/health in time:\n{Log}");
            if (ApiProcessId() is { } pid && pid != notProcess && !(notProcess is { } old && IsApi(old)))
            {
                try
                {
                    if ((await client.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }

            await Task.Delay(200);
        }
    }

    public async Task<bool> ExitsWithinAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends a signal by number (9 = SIGKILL, 15 = SIGTERM) to a process.</summary>
    public static void Signal(int pid, int signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}");
        kill.WaitForExit();
    }

    public static bool IsListening(int port)
    {
        try
        {
            using var tcp = new TcpClient();
            tcp.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Whatever the test did, leaves nothing running: the script, then anything its pid files still name.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(_process.Id, 15);
            if (!await ExitsWithinAsync(TimeSpan.FromSeconds(40)))
            {
                _process.Kill();
            }
        }

        _process.Dispose();
    }
}

internal sealed record RunScriptPorts(int Postgres, int Redis, int Api)
{
    /// <summary>
    /// Three different free ports: all three listeners are held until each has its port, since a port given back can be
    /// handed out again at once (Redis and the API once got the same one, and the API could not bind).
    /// </summary>
    public static RunScriptPorts Free()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(System.Net.IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            var ports = listeners.Select(l => ((System.Net.IPEndPoint)l.LocalEndpoint).Port).ToList();
            return new(ports[0], ports[1], ports[2]);
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    public IEnumerable<int> All => [Postgres, Redis, Api];
}
