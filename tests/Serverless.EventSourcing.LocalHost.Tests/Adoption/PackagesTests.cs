using System.IO.Compression;
using System.Xml.Linq;

namespace Serverless.EventSourcing.LocalHost.Tests.Adoption;

/// <summary>
/// <c>dotnet pack</c> of the solution (from the build the suite just made, once for the collection) gives one package per
/// framework library and the template, nothing for the hosts or the sample; each library package has what users
/// expect: description, licence, README, repository commit, XML docs, a symbol package, and its framework dependencies
/// at the same version.
/// </summary>
[Collection(PackedFeed.Collection)]
public sealed class PackagesTests(PackedFeed packed)
{
    private static readonly string[] Libraries =
    [
        "Application", "AspNetCore", "AzureFunctions", "Client", "Hosting", "Kafka", "Kernel", "Postgres", "Redis", "TestKit", "TestKit.Servers",
    ];

    [Fact]
    public void Pack_makes_one_complete_package_per_framework_library_and_the_template()
    {
        var expected = Libraries.Select(l => "Serverless.EventSourcing." + l).ToList();
        var packages = Directory.GetFiles(packed.Feed, "*.nupkg").Where(p => !p.Contains(".Templates.", StringComparison.Ordinal))
            .Select(p => ZipFile.OpenRead(p)).ToList();
        try
        {
            var nuspecs = packages.Select(Nuspec).ToList();
            Assert.Equal(expected, nuspecs.Select(Id).Order(StringComparer.Ordinal));
            Assert.Equal(expected.Count, Directory.GetFiles(packed.Feed, "*.snupkg").Length);
            Assert.Single(Directory.GetFiles(packed.Feed, "Serverless.EventSourcing.Templates.*.nupkg"));
            var version = packed.Version;
            foreach (var (zip, nuspec) in packages.Zip(nuspecs))
            {
                var id = Id(nuspec);
                Assert.False(string.IsNullOrWhiteSpace(Element(nuspec, "description")), id);
                Assert.Equal("MIT", Element(nuspec, "license"));
                Assert.Equal("README.md", Element(nuspec, "readme"));
                Assert.NotNull(zip.GetEntry("README.md"));
                Assert.Equal(version, Version(nuspec));
                Assert.Matches("^[0-9a-f]{40}$", nuspec.Descendants().Single(e => e.Name.LocalName == "repository").Attribute("commit")?.Value ?? "");
                Assert.NotNull(zip.GetEntry($"lib/net10.0/{id}.dll"));
                Assert.NotNull(zip.GetEntry($"lib/net10.0/{id}.xml"));
                // Our own packages depend on each other at exactly this version, so a user's restore cannot mix releases.
                var ours = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency" && e.Attribute("id")!.Value.StartsWith("Serverless.EventSourcing.", StringComparison.Ordinal));
                Assert.All(ours, d => Assert.Equal(version, d.Attribute("version")!.Value));
                Assert.DoesNotContain(zip.Entries, e => e.FullName.StartsWith("contentFiles/", StringComparison.Ordinal));
            }
        }
        finally
        {
            packages.ForEach(p => p.Dispose());
        }
    }

    private static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    private static string Id(XDocument nuspec) => Element(nuspec, "id")!;

    private static string Version(XDocument nuspec) => Element(nuspec, "version")!;

    private static string? Element(XDocument nuspec, string name) => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
}
