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

    [Fact]
    public void The_function_app_gets_the_storage_blob_endpoint_and_archive_container()
    {
        // Given the compiled main template and storage module
        var storageOutputs = main.NestedTemplate("storage").GetProperty("outputs");
        var appParameters = Deployment(main.Template, "function-app").GetProperty("properties").GetProperty("parameters");

        // Then the endpoint is the account's blob endpoint, and the app reads both from the storage module's outputs
        Assert.EndsWith(".primaryEndpoints.blob]", storageOutputs.GetProperty("blobEndpoint").GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.EndsWith(".outputs.blobEndpoint.value]", appParameters.GetProperty("archiveBlobServiceUri").GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.EndsWith(".outputs.archiveContainerName.value]", appParameters.GetProperty("archiveContainerName").GetProperty("value").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_archive_container_is_private_and_tiered_to_cool_then_cold_never_deleted()
    {
        // Given the compiled storage module
        var storage = main.NestedTemplate("storage");
        var resources = CompiledMainTemplate.Resources(storage).ToList();

        // Then the archive container allows no public access
        var container = resources.Single(r =>
            r.GetProperty("type").GetString() == "Microsoft.Storage/storageAccounts/blobServices/containers"
            && r.GetProperty("name").GetString()?.Contains("parameters('archiveContainerName')", StringComparison.Ordinal) == true);
        Assert.Equal("None", container.GetProperty("properties").GetProperty("publicAccess").GetString());

        // And the one lifecycle rule, on an API version that knows the Cold tier, covers that container's block blobs only
        var policy = resources.Single(r => r.GetProperty("type").GetString() == "Microsoft.Storage/storageAccounts/managementPolicies");
        Assert.True(string.CompareOrdinal(policy.GetProperty("apiVersion").GetString(), "2023-01-01") >= 0);
        var rule = Assert.Single(policy.GetProperty("properties").GetProperty("policy").GetProperty("rules").EnumerateArray());
        Assert.True(rule.GetProperty("enabled").GetBoolean());
        var definition = rule.GetProperty("definition");
        Assert.Equal(["blockBlob"], definition.GetProperty("filters").GetProperty("blobTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(
            ["[format('{0}/', parameters('archiveContainerName'))]"],
            definition.GetProperty("filters").GetProperty("prefixMatch").EnumerateArray().Select(e => e.GetString()));

        // And it moves blobs to Cool then Cold by age, and has no other action (no delete: the archive is the only copy)
        Assert.Equal(["baseBlob"], definition.GetProperty("actions").EnumerateObject().Select(p => p.Name));
        var baseBlob = definition.GetProperty("actions").GetProperty("baseBlob");
        Assert.Equal(["tierToCool", "tierToCold"], baseBlob.EnumerateObject().Select(p => p.Name));
        Assert.Equal("[parameters('archiveCoolAfterDays')]", baseBlob.GetProperty("tierToCool").GetProperty("daysAfterModificationGreaterThan").GetString());
        Assert.Equal("[parameters('archiveColdAfterDays')]", baseBlob.GetProperty("tierToCold").GetProperty("daysAfterModificationGreaterThan").GetString());

        // With main.bicep's defaults: Cool after 30 days, Cold after 90 (the container name's default is the sample's, tested with the settings)
        var mainParameters = main.Template.GetProperty("parameters");
        Assert.Equal(30, mainParameters.GetProperty("archiveCoolAfterDays").GetProperty("defaultValue").GetInt32());
        Assert.Equal(90, mainParameters.GetProperty("archiveColdAfterDays").GetProperty("defaultValue").GetInt32());
    }

    private static JsonElement Deployment(JsonElement template, string deploymentName) =>
        CompiledMainTemplate.Resources(template).Single(r => r.GetProperty("name").GetString() == deploymentName);

    /// <summary>Environment for building main.bicepparam: API_KEY as given (null: unset), a master key, the optional variables unset.</summary>
    internal static Dictionary<string, string?> ParamsEnvironment(string? apiKey) => new(StringComparer.Ordinal)
    {
        ["API_KEY"] = apiKey,
        ["PERSONAL_DATA_MASTER_KEY"] = Convert.ToBase64String(new byte[32]),
        ["AUTH_AUTHORITY"] = null,
        ["AUTH_AUDIENCES"] = null,
        ["ARCHIVE_CATEGORIES"] = null,
        ["AZURE_ENV_NAME"] = null,
        ["POSTGRES_ADMIN_OBJECT_ID"] = null,
        ["POSTGRES_ADMIN_NAME"] = null,
    };

    [GeneratedRegex(@"^module\s+\w+\s+'(?<path>modules/[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleDeclaration();
}
