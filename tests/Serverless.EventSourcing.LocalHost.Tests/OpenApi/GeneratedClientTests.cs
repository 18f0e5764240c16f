using Serverless.EventSourcing.LocalHost.Tests.Adoption;
namespace Serverless.EventSourcing.LocalHost.Tests.OpenApi;

/// <summary>
/// The served document as a new user meets it: linted by Redocly, and turned into a client by Kiota and by NSwag, each
/// built and run through the README walk-through against the running host. One class, so the two builds run one after
/// the other.
/// </summary>
public sealed class GeneratedClientTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>, IDisposable
{
    private static readonly TimeSpan Generate = TimeSpan.FromMinutes(2);

    private readonly string _directory = Directory.CreateTempSubdirectory("es-client-").FullName;

    [Fact]
    public async Task Redocly_lints_the_document_with_no_errors()
    {
        var document = await SaveDocumentAsync();

        var (exitCode, output) = await ToolRunner.RunAsync(ClientTools.Redocly, ["lint", document, "--format", "stylish"], _directory, Generate);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Your API description is valid", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Kiota_client_runs_the_walkthrough()
    {
        var document = await SaveDocumentAsync();
        var generated = await ToolRunner.RunAsync(
            ClientTools.Kiota,
            ["generate", "-l", "CSharp", "-d", document, "-c", "BankClient", "-n", "Generated.Kiota", "-o", Path.Combine(_directory, "Client"), "--exclude-backward-compatible", "--log-level", "Warning"],
            _directory,
            Generate);
        Assert.True(generated.ExitCode == 0, generated.Output);

        await RunWalkthroughAsync("Kiota", [
            "Microsoft.Kiota.Abstractions", "Microsoft.Kiota.Http.HttpClientLibrary", "Microsoft.Kiota.Serialization.Json",
            "Microsoft.Kiota.Serialization.Text", "Microsoft.Kiota.Serialization.Form", "Microsoft.Kiota.Serialization.Multipart",
        ]);
    }

    [Fact]
    public async Task An_NSwag_client_runs_the_walkthrough()
    {
        var document = await SaveDocumentAsync();
        Directory.CreateDirectory(Path.Combine(_directory, "Client"));
        var generated = await ToolRunner.RunAsync(
            ClientTools.NSwag,
            ["openapi2csclient", $"/input:{document}", "/classname:BankClient", "/namespace:Generated.NSwag", $"/output:{Path.Combine(_directory, "Client", "BankClient.cs")}", "/GenerateOptionalPropertiesAsNullable:true"],
            _directory,
            Generate);
        Assert.True(generated.ExitCode == 0, generated.Output);

        await RunWalkthroughAsync("NSwag", ["Newtonsoft.Json"]);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<string> SaveDocumentAsync()
    {
        var path = Path.Combine(_directory, "openapi.json");
        await File.WriteAllTextAsync(path, await host.NewClient(withKey: false).GetStringAsync("/api/openapi.json"));
        return path;
    }

    /// <summary>A console project of the generated client and the walk-through program, built and run against the host.</summary>
    private async Task RunWalkthroughAsync(string generator, string[] packages)
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "OpenApi", "Walkthroughs", generator + ".cs"), Path.Combine(_directory, "Program.cs"));
        var output = await TestProject.BuildAsync(_directory, "Walkthrough", "Microsoft.NET.Sdk", "    <OutputType>Exe</OutputType>\n", packages.Select(p => (p, ClientTools.PackageVersion(p))), $"The {generator} client");

        var ran = await ToolRunner.RunAsync("dotnet", [Path.Combine(output, "Walkthrough.dll"), host.BaseAddress.ToString(), LocalHostFixture.Key], _directory, Generate);
        Assert.True(ran.ExitCode == 0, $"The {generator} walk-through failed:\n{ran.Output}");
        Assert.Contains("walk-through passed", ran.Output, StringComparison.Ordinal);
    }
}
