namespace Serverless.EventSourcing.Infra.Tests;

public sealed class BicepAppSettingsParserTests
{
    private const string Snippet = """
        resource site 'Microsoft.Web/sites@2024-04-01' = {
          properties: {
            keyVaultReferenceIdentity: identityId
            functionAppConfig: {
              runtime: {
                name: 'dotnet-isolated'
                version: '10.0'
              }
            }
          }
          resource appSettings 'config' = {
            name: 'appsettings'
            properties: {
              // A comment with a fake entry: Fake__Key: 'x'
              Plain__Value: '0 */5 * * * *' // trailing comment
              Interpolated__Value: 'Host=${host};Port=${string(port)};Name=${format('{0}', name)}'
              'Quoted__Key': '@Microsoft.KeyVault(SecretUri=${uri})'
              Expression__Value: empty(x) ? 'a' : 'b'
              /* block
                 comment */
              Escaped__Value: 'it\'s $literal'
            }
          }
        }
        """;

    [Fact]
    public void Reads_keys_and_values_and_ignores_comments_strings_and_interpolations()
    {
        var settings = BicepAppSettings.Parse(Snippet);

        Assert.Equal(
            ["Plain__Value", "Interpolated__Value", "Quoted__Key", "Expression__Value", "Escaped__Value"],
            settings.Keys);
        Assert.Equal("'0 */5 * * * *'", settings.ValueOf("Plain__Value"));
        Assert.Equal("'Host=${host};Port=${string(port)};Name=${format('{0}', name)}'", settings.ValueOf("Interpolated__Value"));
        Assert.Equal("empty(x) ? 'a' : 'b'", settings.ValueOf("Expression__Value"));
        Assert.Equal(@"'it\'s $literal'", settings.ValueOf("Escaped__Value"));
    }

    [Fact]
    public void Reads_the_runtime_name_and_key_vault_reference_identity()
    {
        var settings = BicepAppSettings.Parse(Snippet);

        Assert.Equal("dotnet-isolated", settings.RuntimeName);
        Assert.Equal("identityId", settings.KeyVaultReferenceIdentity);
    }

    [Fact]
    public void Text_without_an_appsettings_resource_is_rejected()
    {
        Assert.Throws<FormatException>(() => BicepAppSettings.Parse("resource x 'y' = {}"));
    }

    [Theory]
    [InlineData("Kafka__SaslPassword", true)]
    [InlineData("Redis__ConnectionString", true)]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", true)]
    [InlineData("Api__Key", true)]
    [InlineData("Kafka__SaslUsername", false)]
    [InlineData("AzureWebJobsStorage__clientId", false)]
    [InlineData("Redis__SnapshotTtlSeconds", false)]
    public void Secret_looking_keys_are_recognised_by_name(string key, bool looksSecret)
    {
        Assert.Equal(looksSecret, AppSettingsContract.LooksSecret(key));
    }
}
