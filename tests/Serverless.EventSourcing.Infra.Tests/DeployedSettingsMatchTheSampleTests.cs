using System.Text.RegularExpressions;

namespace Serverless.EventSourcing.Infra.Tests;

/// <summary>The Bicep in infra/ as committed, checked against local.settings.sample.json.</summary>
public sealed partial class DeployedSettingsMatchTheSampleTests
{
    private readonly IReadOnlyDictionary<string, string> _sample = SampleSettings.Load(RepositoryFiles.SampleSettingsPath);
    private readonly BicepAppSettings _bicep = BicepAppSettings.Parse(File.ReadAllText(RepositoryFiles.FunctionAppBicepPath()));

    [Fact]
    public void Every_sample_setting_is_deployed_or_mapped_by_the_platform()
    {
        // Given the sample settings and the Function App settings in Bicep
        // When every sample key is looked up in Bicep
        var violations = AppSettingsContract.MissingFromBicep(_sample, _bicep);

        // Then none is missing
        Assert.Empty(violations);
    }

    [Fact]
    public void Every_deployed_setting_is_in_the_sample_or_is_a_platform_setting()
    {
        var violations = AppSettingsContract.MissingFromSample(_sample, _bicep);

        Assert.Empty(violations);
    }

    [Fact]
    public void Secret_looking_settings_come_from_key_vault_or_an_identity()
    {
        var violations = AppSettingsContract.PlainSecrets(_bicep);

        Assert.Empty(violations);
    }

    [Fact]
    public void Secrets_are_key_vault_references()
    {
        // Given the settings that hold real secrets in Azure
        string[] secrets = ["Redis__ConnectionString", "Api__Key", "Kafka__SaslPassword"];

        // Then each is read from Key Vault
        Assert.All(secrets, key => Assert.True(
            AppSettingsContract.IsKeyVaultReference(_bicep.ValueOf(key) ?? string.Empty),
            $"{key} is {_bicep.ValueOf(key)}"));
    }

    [Fact]
    public void Postgres_uses_entra_authentication_without_a_password()
    {
        var connectionString = _bicep.ValueOf("Postgres__ConnectionString");

        Assert.NotNull(connectionString);
        Assert.DoesNotContain("Password=", connectionString, StringComparison.OrdinalIgnoreCase);
        Assert.True(_bicep.IsLiteral("Postgres__UseEntraAuthentication", "true"));
    }

    [Fact]
    public void Key_vault_references_resolve_with_the_user_assigned_identity()
    {
        Assert.Equal("identityId", _bicep.KeyVaultReferenceIdentity);
        Assert.Equal("identityClientId", _bicep.ValueOf("AzureWebJobsStorage__clientId"));
    }

    [Fact]
    public void The_archive_is_reached_with_the_identity_at_the_storage_blob_endpoint()
    {
        // Given the sample's local connection string (Azurite)
        Assert.NotEqual(string.Empty, _sample["Archive__ConnectionString"]);

        // Then Azure sets no connection string, only the endpoint passed in, with the identity named
        Assert.False(_bicep.Contains("Archive__ConnectionString"));
        Assert.Equal("archiveBlobServiceUri", _bicep.ValueOf("Archive__BlobServiceUri"));
        Assert.Equal("identityClientId", _bicep.ValueOf("AZURE_CLIENT_ID"));
        Assert.Equal("archiveContainerName", _bicep.ValueOf("Archive__Container"));
    }

    [Theory]
    [InlineData("eventsTopicName", "Kafka__EventsTopic")]
    [InlineData("projectionsConsumerGroupName", "Kafka__ConsumerGroup")]
    [InlineData("durableTaskHubName", "DurableTask__HubName")]
    [InlineData("archiveContainerName", "Archive__Container")]
    [InlineData("archiveCategories", "Archive__Categories")]
    public void Event_hub_consumer_group_and_task_hub_are_named_from_the_sample_defaults(string bicepParameter, string sampleKey)
    {
        // Given main.bicep's parameter defaults
        var mainBicep = File.ReadAllText(RepositoryFiles.MainBicepPath);
        var declaration = Regex.Match(mainBicep, $@"param {bicepParameter} string = '(?<value>[^']*)'");

        // Then they match the sample's values
        Assert.True(declaration.Success, $"main.bicep has no string default for {bicepParameter}");
        Assert.Equal(_sample[sampleKey], declaration.Groups["value"].Value);
    }
}
