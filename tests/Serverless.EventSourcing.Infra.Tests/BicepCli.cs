using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Serverless.EventSourcing.Infra.Tests;

/// <summary>
/// Runs the Bicep CLI that restore brought from NuGet (Azure.Bicep.CommandLine.linux-x64). Every
/// command gets <c>--no-restore</c>, because without it each build and lint looks up the public module
/// index on the network even when no registry module is used, and <c>--config infra/bicepconfig.json</c>,
/// so copies in temporary folders are held to the same linter rules as infra/ itself.
/// </summary>
internal static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly Lazy<string> Executable = new(FindExecutable);

    public static string ConfigPath => Path.Combine(RepositoryFiles.InfraDirectory, "bicepconfig.json");

    public static Task<BicepRun> BuildAsync(string bicepFile, string outputDirectory) =>
        RunAsync(["build", bicepFile, "--outdir", outputDirectory]);

    public static Task<BicepRun> LintAsync(string bicepFile) => RunAsync(["lint", bicepFile]);

    /// <summary>Lints every .bicep file under <paramref name="directory"/>, subfolders included, in one run.</summary>
    public static Task<BicepRun> LintTreeAsync(string directory) =>
        RunAsync(["lint", "--pattern", Path.Combine(directory, "**", "*.bicep")]);

    /// <summary>
    /// Builds a .bicepparam file to stdout. <paramref name="environment"/> sets variables for the CLI, a
    /// null value removes one, so readEnvironmentVariable sees only what the test chose.
    /// </summary>
    public static Task<BicepRun> BuildParamsAsync(string paramsFile, IReadOnlyDictionary<string, string?> environment) =>
        RunAsync(["build-params", paramsFile, "--stdout"], environment);

    private static async Task<BicepRun> RunAsync(
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var startInfo = new ProcessStartInfo(Executable.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments.Concat(["--no-restore", "--config", ConfigPath]))
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(Timeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"bicep {string.Join(' ', startInfo.ArgumentList)} ran longer than {Timeout}.");
            }
        }

        return new BicepRun(process.ExitCode, await stdout, await stderr);
    }

    private static string FindExecutable()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException("The Bicep CLI package these tests restore is the linux-x64 build.");
        }

        var path = typeof(BicepCli).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BicepCliPath")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"No Bicep CLI at '{path}'. It comes from the Azure.Bicep.CommandLine.linux-x64 package: restore the test project.");
        }

        // NuGet does not promise to keep the execute bit when it extracts a package.
        const UnixFileMode Execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | Execute);
        }

        return path;
    }
}
