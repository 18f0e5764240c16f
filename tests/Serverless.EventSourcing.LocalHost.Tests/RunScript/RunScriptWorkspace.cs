using System.Diagnostics;

namespace Serverless.EventSourcing.LocalHost.Tests.RunScript;

/// <summary>
/// A data folder for <c>./run.sh</c> (<c>RUN_DATA_DIR</c>) that is removed afterwards, together with anything a failed
/// test left running from it: the API and Redis its pid files name, and its PostgreSQL cluster.
/// </summary>
internal sealed class RunScriptWorkspace : IAsyncDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("es-run-").FullName;

    public string PostmasterPidFile => Path.Combine(Directory, "postgres", "postmaster.pid");

    public int? PostmasterProcessId() =>
        File.Exists(PostmasterPidFile) && int.TryParse(File.ReadLines(PostmasterPidFile).First().Trim(), out var pid) ? pid : null;

    public async ValueTask DisposeAsync()
    {
        foreach (var (file, command) in new[] { ("app.pid", "Serverless.EventSourcing.LocalHost"), ("redis.pid", "redis-server") })
        {
            var path = Path.Combine(Directory, file);
            if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out var pid) && IsRunning(pid, command))
            {
                RunScript.Signal(pid, 9);
            }
        }

        if (PostmasterProcessId() is { } postmaster && IsRunning(postmaster, "postgres"))
        {
            var pgCtl = Path.Combine(Path.GetDirectoryName(File.ReadLines(Path.Combine("/proc", postmaster.ToString(System.Globalization.CultureInfo.InvariantCulture), "cmdline")).First().Split('\0')[0])!, "pg_ctl");
            var stop = $"{pgCtl} -D {Path.Combine(Directory, "postgres")} -m immediate -w stop";
            using var process = Process.Start(Environment.UserName == "root" ? new ProcessStartInfo("runuser", $"-u postgres -- {stop}") : new ProcessStartInfo("bash", ["-c", stop]))!;
            await process.WaitForExitAsync();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static bool IsRunning(int pid, string command)
    {
        var cmdline = Path.Combine("/proc", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "cmdline");
        try
        {
            return File.Exists(cmdline) && File.ReadAllText(cmdline).Contains(command, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
