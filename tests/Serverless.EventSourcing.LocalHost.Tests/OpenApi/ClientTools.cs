using System.Diagnostics;
using System.Text;
using System.Xml.Linq;

namespace Serverless.EventSourcing.LocalHost.Tests.OpenApi;

/// <summary>
/// The pinned generators and linter test.sh installs under <c>.tools/</c> (KIOTA_PATH, NSWAG_PATH, REDOCLY_PATH override),
/// and a runner for them and for <c>dotnet</c>. A tool that is missing fails the test: the test command installs it.
/// </summary>
internal static class ClientTools
{
    public static string Kiota => Find("KIOTA_PATH", ".tools/kiota/kiota");

    public static string NSwag => Find("NSWAG_PATH", ".tools/nswag/nswag");

    public static string Redocly => Find("REDOCLY_PATH", ".tools/redocly/node_modules/.bin/redocly");

    /// <summary>The repository root (where the solution is).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A package's version from Directory.Packages.props, so a generated client's project pins what ours do.</summary>
    public static string PackageVersion(string package) =>
        XDocument.Load(Path.Combine(Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .FirstOrDefault(e => (string?)e.Attribute("Include") == package)?.Attribute("Version")?.Value
        ?? throw new InvalidOperationException($"{package} has no PackageVersion in Directory.Packages.props.");

    /// <returns>Exit code and everything the process wrote.</returns>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, string directory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The test host runs under `dotnet test`: its MSBuild variables would steer a nested build to the outer one's state.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["KIOTA_TUTORIAL_ENABLED"] = "false";
        info.Environment["KIOTA_UPDATE_DISABLED"] = "true";
        info.Environment["REDOCLY_TELEMETRY"] = "off";
        info.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = new StringBuilder();
        var stdout = Pump(process.StandardOutput, output);
        var stderr = Pump(process.StandardError, output);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout}:\n{output}");
        }

        await Task.WhenAll(stdout, stderr);
        return (process.ExitCode, output.ToString());
    }

    private static async Task Pump(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Find(string variable, string relative)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        var path = Path.Combine(Root, relative);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{relative} is missing: ./test.sh installs it (or set {variable}).", path);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Serverless.EventSourcing.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Serverless.EventSourcing.sln) is not above " + AppContext.BaseDirectory);
    }
}
