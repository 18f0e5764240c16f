using Serverless.EventSourcing.LocalHost.Tests.Adoption;
using System.Xml.Linq;

namespace Serverless.EventSourcing.LocalHost.Tests.OpenApi;

/// <summary>
/// The pinned generators and linter test.sh installs under <c>.tools/</c> (KIOTA_PATH, NSWAG_PATH, REDOCLY_PATH override).
/// A tool that is missing fails the test: the test command installs it.
/// </summary>
internal static class ClientTools
{
    public static string Kiota => Find("KIOTA_PATH", ".tools/kiota/kiota");

    public static string NSwag => Find("NSWAG_PATH", ".tools/nswag/nswag");

    public static string Redocly => Find("REDOCLY_PATH", ".tools/redocly/node_modules/.bin/redocly");

    /// <summary>A package's version from Directory.Packages.props, so a project written by a test pins what ours do.</summary>
    public static string PackageVersion(string package) =>
        CentralVersions.Value.Descendants("PackageVersion")
            .FirstOrDefault(e => (string?)e.Attribute("Include") == package)?.Attribute("Version")?.Value
        ?? throw new InvalidOperationException($"{package} has no PackageVersion in Directory.Packages.props.");

    private static readonly Lazy<XDocument> CentralVersions = new(() => XDocument.Load(Path.Combine(ToolRunner.Root, "Directory.Packages.props")));

    private static string Find(string variable, string relative)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        var path = Path.Combine(ToolRunner.Root, relative);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{relative} is missing: ./test.sh installs it (or set {variable}).", path);
    }
}
