using System.Text.RegularExpressions;

namespace Serverless.EventSourcing.Infra.Tests;

/// <summary>
/// Proves the Bicep checks fail when they should: each test gives the real CLI a broken copy of a
/// committed template (or the real parameters file with a bad environment) and expects that failure.
/// </summary>
public sealed partial class BicepCheckerCatchesProblemsTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("infra-tests-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task An_unused_parameter_in_a_module_fails_the_lint_although_bicep_exits_0()
    {
        // Given a copy of infra/ whose storage module has a parameter nothing uses
        CopyTemplatesExcept("modules/storage.bicep");
        Copy("modules/storage.bicep", text => $"{text}\nparam unusedSetting string = 'x'\n");

        // When the whole tree is linted, as the clean-lint test does with infra/
        var run = await BicepCli.LintTreeAsync(_work.FullName);

        // Then the CLI succeeds, and the checker fails on that warning alone (reported for the module
        // itself and again through main.bicep, which compiles it)
        Assert.Equal(0, run.ExitCode);
        Assert.NotEmpty(run.Problems());
        Assert.Equal(run.Problems().Count, run.Diagnostics.Count);
        Assert.All(run.Diagnostics, d =>
        {
            Assert.Equal("storage.bicep", Path.GetFileName(d.File));
            Assert.Equal(("Warning", "no-unused-params"), (d.Level, d.Code));
            Assert.Contains("\"unusedSetting\"", d.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task An_api_version_without_types_in_the_cli_is_a_failure()
    {
        var file = Copy("modules/identity.bicep", text => ApiVersion().Replace(text, "@2099-01-01'"));

        var run = await BicepCli.LintAsync(file);

        var problem = Assert.Single(run.Problems());
        Assert.Contains("Warning BCP081", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_module_called_without_a_required_parameter_fails_the_main_build()
    {
        // Given a copy of infra/ whose main.bicep no longer passes durableTaskHubName to the Function App
        CopyTemplatesExcept("main.bicep");
        var main = Copy("main.bicep", text => Regex.Replace(text, @"^\s*durableTaskHubName: durableTaskHubName\r?\n", string.Empty, RegexOptions.Multiline));

        // When built
        var run = await BicepCli.BuildAsync(main, _work.FullName);

        // Then the build fails with the missing property
        Assert.Contains("bicep exited with code 1.", run.Problems());
        Assert.Contains(run.Diagnostics, d => d is { Level: "Error", Code: "BCP035" } && d.Message.Contains("durableTaskHubName", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_api_key_fails_the_parameters_build()
    {
        var run = await BicepCli.BuildParamsAsync(RepositoryFiles.MainBicepParamPath, BicepCompilesCleanlyTests.ParamsEnvironment(apiKey: null));

        Assert.Contains("bicep exited with code 1.", run.Problems());
        Assert.Contains(run.Diagnostics, d => d is { Level: "Error", Code: "BCP427" });
    }

    [Fact]
    public async Task An_api_key_shorter_than_32_characters_fails_the_parameters_build()
    {
        var run = await BicepCli.BuildParamsAsync(RepositoryFiles.MainBicepParamPath, BicepCompilesCleanlyTests.ParamsEnvironment("too-short"));

        Assert.Contains(run.Diagnostics, d => d is { Level: "Error", Code: "BCP333" });
    }

    [Fact]
    public async Task A_registry_module_is_reported_as_not_restored_instead_of_downloaded()
    {
        // Given a template using a public registry module, which is not in the local cache
        var file = Write("registry.bicep", """
            module id 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.0' = {
              name: 'id'
              params: {
                name: 'id-test'
              }
            }
            """);

        // When linted offline
        var run = await BicepCli.LintAsync(file);

        // Then it fails at once rather than reaching for the registry
        Assert.Contains(run.Diagnostics, d => d is { Level: "Error", Code: "BCP190" });
    }

    // Copies infra/<relativePath> into the work folder, changed by rewrite. The rewrite must change
    // something, so a renamed template or parameter cannot make a test pass vacuously.
    private string Copy(string relativePath, Func<string, string> rewrite)
    {
        var original = ReadInfra(relativePath);
        var changed = rewrite(original);
        Assert.NotEqual(original, changed);
        return Write(relativePath, changed);
    }

    private void CopyTemplatesExcept(string relativePath)
    {
        foreach (var template in RepositoryFiles.BicepTemplates().Where(t => t != relativePath))
        {
            Write(template, ReadInfra(template));
        }
    }

    private static string ReadInfra(string relativePath) =>
        File.ReadAllText(Path.Combine(RepositoryFiles.InfraDirectory, relativePath));

    private string Write(string relativePath, string text)
    {
        var path = Path.Combine(_work.FullName, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [GeneratedRegex(@"@\d{4}-\d{2}-\d{2}(?:-preview)?'")]
    private static partial Regex ApiVersion();
}
