using System.Text.Json;
using System.Text.RegularExpressions;

namespace Serverless.EventSourcing.Infra.Tests;

/// <summary>
/// The templates in infra/ as committed, through the real Bicep CLI (offline): main.bicep and
/// main.bicepparam compile, and the linter reports nothing, not even a warning, for any template.
/// </summary>
public sealed partial class BicepCompilesCleanlyTests(CompiledMainTemplate main) : IClassFixture<CompiledMainTemplate>
{
    [Fact]
    public void Main_template_builds_without_errors_or_warnings()
    {
        Assert.Empty(main.Run.Problems());
    }

    [Fact]
    public async Task Every_template_lints_without_errors_or_warnings()
    {
        // main.bicep and every module, in one CLI run: one process start instead of one per file.
        var run = await BicepCli.LintTreeAsync(RepositoryFiles.InfraDirectory);

        Assert.Empty(run.Problems());
    }

    [Fact]
    public async Task Parameters_file_builds_with_the_api_key_from_the_environment()
    {
        // Given API_KEY set and the optional variables unset
        var apiKey = new string('k', 40);

        // When main.bicepparam is built
        var run = await BicepCli.BuildParamsAsync(RepositoryFiles.MainBicepParamPath, ParamsEnvironment(apiKey));

        // Then it is clean and carries the key and the default environment name
        Assert.Empty(run.Problems());
        using var output = JsonDocument.Parse(run.StandardOutput);
        using var parameters = JsonDocument.Parse(output.RootElement.GetProperty("parametersJson").GetString() ?? "{}");
        var values = parameters.RootElement.GetProperty("parameters");
        Assert.Equal(apiKey, values.GetProperty("apiKey").GetProperty("value").GetString());
        Assert.Equal("dev", values.GetProperty("environmentName").GetProperty("value").GetString());
    }

    [Fact]
    public void Every_module_file_is_deployed_by_the_main_template()
    {
        // Given the files under infra/modules and the module paths main.bicep declares
        var files = RepositoryFiles.BicepTemplates().Where(t => t != "main.bicep").Select(t => t.Replace('\\', '/'));
        var declared = ModuleDeclaration()
            .Matches(File.ReadAllText(RepositoryFiles.MainBicepPath))
            .Select(m => m.Groups["path"].Value)
            .ToList();

        // Then each file is declared exactly once and compiled to a nested deployment
        Assert.Equal(files.Order(StringComparer.Ordinal), declared.Order(StringComparer.Ordinal));
        Assert.Equal(declared.Count, CompiledMainTemplate.Resources(main.Template).Count());
    }

    [Fact]
    public void PgBouncer_tracks_prepared_statements_whenever_it_is_enabled()
    {
        // Given the compiled PostgreSQL module
        var postgres = main.NestedTemplate("postgres");
        var setting = CompiledMainTemplate.Resources(postgres).Single(r =>
            r.GetProperty("name").GetString()?.Contains("'pgbouncer.max_prepared_statements'", StringComparison.Ordinal) == true);

        // Then the parameter is set together with pgbouncer.enabled, after it (hidden until then), to 200
        Assert.Equal("[parameters('enablePgBouncer')]", setting.GetProperty("condition").GetString());
        Assert.Contains(
            setting.GetProperty("dependsOn").EnumerateArray(),
            d => d.GetString()?.Contains("'pgbouncer.enabled'", StringComparison.Ordinal) == true);
        Assert.Equal(
            "[string(parameters('pgBouncerMaxPreparedStatements'))]",
            setting.GetProperty("properties").GetProperty("value").GetString());
        var maxPrepared = postgres.GetProperty("parameters").GetProperty("pgBouncerMaxPreparedStatements");
        Assert.Equal(200, maxPrepared.GetProperty("defaultValue").GetInt32());
    }

    /// <summary>Environment for building main.bicepparam: API_KEY as given (null: unset), a master key, the optional variables unset.</summary>
    internal static Dictionary<string, string?> ParamsEnvironment(string? apiKey) => new(StringComparer.Ordinal)
    {
        ["API_KEY"] = apiKey,
        ["PERSONAL_DATA_MASTER_KEY"] = Convert.ToBase64String(new byte[32]),
        ["AUTH_AUTHORITY"] = null,
        ["AUTH_AUDIENCES"] = null,
        ["AZURE_ENV_NAME"] = null,
        ["POSTGRES_ADMIN_OBJECT_ID"] = null,
        ["POSTGRES_ADMIN_NAME"] = null,
    };

    [GeneratedRegex(@"^module\s+\w+\s+'(?<path>modules/[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleDeclaration();
}
