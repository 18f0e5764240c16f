namespace Serverless.EventSourcing.Infra.Tests;

/// <summary>
/// Proves the checker fails when it should: each test feeds it a modified copy of the real
/// Bicep (or sample) and expects exactly the drift it introduced.
/// </summary>
public sealed class ContractCheckerCatchesDriftTests
{
    private readonly IReadOnlyDictionary<string, string> _sample = SampleSettings.Load(RepositoryFiles.SampleSettingsPath);
    private readonly string _bicepText = File.ReadAllText(RepositoryFiles.FunctionAppBicepPath());

    [Fact]
    public void The_committed_bicep_has_no_violations()
    {
        Assert.Empty(AppSettingsContract.FindViolations(_sample, BicepAppSettings.Parse(_bicepText)));
    }

    [Fact]
    public void A_setting_removed_from_bicep_is_reported_as_missing()
    {
        // Given the Bicep without Api__MaxBodyBytes
        var bicep = Modified(line => line.TrimStart().StartsWith("Api__MaxBodyBytes:", StringComparison.Ordinal) ? null : line);

        // When checked
        var violations = AppSettingsContract.FindViolations(_sample, bicep);

        // Then that setting, and only it, is reported
        var violation = Assert.Single(violations);
        Assert.Contains("Api__MaxBodyBytes", violation, StringComparison.Ordinal);
        Assert.Contains("not in the Function App app settings", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_setting_missing_from_the_sample_is_reported()
    {
        var sample = _sample.Where(p => p.Key != "Retention__DeadLetterDays").ToDictionary(p => p.Key, p => p.Value);

        var violation = Assert.Single(AppSettingsContract.FindViolations(sample, BicepAppSettings.Parse(_bicepText)));

        Assert.Contains("Retention__DeadLetterDays is set in Bicep but is neither", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_set_to_a_plain_string_is_reported()
    {
        // Given Kafka__SaslPassword set to a literal instead of a Key Vault reference
        var bicep = ReplaceValue("Kafka__SaslPassword", "'Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKey=abc'");

        var violation = Assert.Single(AppSettingsContract.FindViolations(_sample, bicep));

        Assert.Contains("Kafka__SaslPassword looks secret", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_redis_connection_string_with_its_password_inline_is_reported()
    {
        var bicep = ReplaceValue("Redis__ConnectionString", "'contoso.redis.cache.windows.net:6380,password=hunter2,ssl=True'");

        var violation = Assert.Single(AppSettingsContract.FindViolations(_sample, bicep));

        Assert.Contains("Redis__ConnectionString carries a credential", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_postgres_connection_string_with_a_password_is_reported()
    {
        var bicep = ReplaceValue("Postgres__ConnectionString", "'Host=db;Database=eventsourcing;Username=app;Password=hunter2'");

        var violation = Assert.Single(AppSettingsContract.FindViolations(_sample, bicep));

        Assert.Contains("Postgres__ConnectionString carries a credential", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_postgres_connection_string_without_entra_authentication_is_reported()
    {
        var bicep = ReplaceValue("Postgres__UseEntraAuthentication", "'false'");

        var violation = Assert.Single(AppSettingsContract.FindViolations(_sample, bicep));

        Assert.Contains("Postgres__UseEntraAuthentication is not 'true'", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_based_host_storage_connection_string_is_reported()
    {
        // Given AzureWebJobsStorage set to an account-key connection string next to the identity keys
        var bicep = Modified(line => line.TrimStart().StartsWith("AzureWebJobsStorage__accountName:", StringComparison.Ordinal)
            ? $"{line}\n      AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc'"
            : line);

        var violations = AppSettingsContract.FindViolations(_sample, bicep);

        Assert.Contains(violations, v => v.StartsWith("AzureWebJobsStorage is set in Bicep", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("AzureWebJobsStorage embeds a credential", StringComparison.Ordinal));
    }

    [Fact]
    public void A_worker_runtime_app_setting_is_reported()
    {
        var bicep = Modified(line => line.TrimStart().StartsWith("AZURE_CLIENT_ID:", StringComparison.Ordinal)
            ? $"{line}\n      FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'"
            : line);

        var violation = Assert.Single(AppSettingsContract.FindViolations(_sample, bicep));

        Assert.Contains("Flex Consumption takes it from functionAppConfig.runtime.name", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void An_archive_connection_string_in_bicep_is_reported()
    {
        // Given an account-key connection string for the archive next to its identity-based endpoint
        var bicep = Modified(line => line.TrimStart().StartsWith("Archive__BlobServiceUri:", StringComparison.Ordinal)
            ? $"{line}\n      Archive__ConnectionString: 'DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc'"
            : line);

        var violations = AppSettingsContract.FindViolations(_sample, bicep);

        // Then it is reported as a local-only key deployed, and as a credential in Bicep
        Assert.Equal(2, violations.Count);
        Assert.Contains(violations, v => v.StartsWith("Archive__ConnectionString is set in Bicep; the storage account has shared keys off", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Archive__ConnectionString carries a credential", StringComparison.Ordinal));
    }

    [Fact]
    public void A_literal_archive_blob_endpoint_is_reported()
    {
        // Given the sample's empty value deployed instead of the storage account's endpoint
        var bicep = ReplaceValue("Archive__BlobServiceUri", "''");

        var violation = Assert.Single(AppSettingsContract.FindViolations(_sample, bicep));

        Assert.Contains("Archive__BlobServiceUri is the literal ''", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void An_archive_blob_endpoint_removed_from_bicep_is_reported_once()
    {
        var bicep = Modified(line => line.TrimStart().StartsWith("Archive__BlobServiceUri:", StringComparison.Ordinal) ? null : line);

        var violation = Assert.Single(AppSettingsContract.FindViolations(_sample, bicep));

        Assert.Contains("Archive__BlobServiceUri is in local.settings.sample.json but not in the Function App app settings", violation, StringComparison.Ordinal);
    }

    private BicepAppSettings ReplaceValue(string key, string newValue) =>
        Modified(line => line.TrimStart().StartsWith($"{key}:", StringComparison.Ordinal)
            ? $"{line[..line.IndexOf(':', StringComparison.Ordinal)]}: {newValue}"
            : line);

    // Rewrites the Bicep line by line (null drops a line) and fails if nothing changed, so a
    // renamed setting cannot make these tests pass vacuously.
    private BicepAppSettings Modified(Func<string, string?> rewrite)
    {
        var lines = _bicepText.Split('\n').Select(rewrite).OfType<string>();
        var modified = string.Join('\n', lines);
        Assert.NotEqual(_bicepText, modified);
        return BicepAppSettings.Parse(modified);
    }
}
