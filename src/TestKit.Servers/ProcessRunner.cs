using System.Diagnostics;

namespace Serverless.EventSourcing.TestKit.Servers;

/// <summary>Runs server binaries for the fixtures, as the <c>postgres</c> user when we are root (PostgreSQL refuses root).</summary>
internal static class ProcessRunner
{
    public static bool IsRoot => Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";

    public static async Task RunAsync(string file, string arguments, bool asPostgresUser, TimeSpan timeout)
    {
        using var process = Start(file, arguments, asPostgresUser, redirect: true);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {arguments} did not finish within {timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    public static Process Start(string file, string arguments, bool asPostgresUser, bool redirect)
    {
        var info = asPostgresUser && IsRoot
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        info.RedirectStandardOutput = redirect;
        info.RedirectStandardError = redirect;
        info.UseShellExecute = false;
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
    }

    /// <summary>
    /// Runs <paramref name="shellCommand"/> once this process is gone, however it ends (test hosts are
    /// often torn down before ProcessExit handlers finish), so no server or temp folder outlives a run.
    /// </summary>
    public static void CleanUpWhenGone(string shellCommand)
    {
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 0.5; done; {shellCommand}";
        var info = new ProcessStartInfo("setsid", ["bash", "-c", script]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        using var _ = Process.Start(info) ?? throw new InvalidOperationException("Could not start the clean-up watchdog.");
    }

    public static string? FindExecutable(string name, params string[] extraDirectories)
    {
        var path = Environment.GetEnvironmentVariable("PATH")?.Split(':') ?? [];
        return path.Concat(extraDirectories)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }

    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
