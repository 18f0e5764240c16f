using Microsoft.Extensions.Configuration;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Hosting;

namespace Serverless.EventSourcing.Application.Tests.Security;

/// <summary>Security settings are read strictly: a host that would have to guess does not start, and says which setting.</summary>
public sealed class AuthSettingsTests
{
    private static AuthOptions Read(params (string Key, string Value)[] settings) =>
        AuthSettings.From(new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build());

    [Fact]
    public void Nothing_configured_is_an_open_API()
    {
        var options = Read();
        Assert.True(options.Open);
        Assert.Empty(options.Keys);
    }

    [Fact]
    public void The_legacy_key_is_one_key_with_every_permission_held_as_its_digest()
    {
        var options = Read(("Api:Key", "a-long-legacy-key-0123456789abcdef"));
        var key = Assert.Single(options.Keys);
        Assert.Equal(AuthSettings.LegacyKeyName, key.Name);
        Assert.Equal([BuiltInRoles.Admin], key.Roles);
        Assert.DoesNotContain("a-long-legacy-key", Convert.ToHexString(key.Sha256), StringComparison.OrdinalIgnoreCase);
        var principal = new ApiKeyRing(options.Keys).Find("a-long-legacy-key-0123456789abcdef");
        Assert.Equal("key:api-key", principal!.Id);
        Assert.Null(new ApiKeyRing(options.Keys).Find("a-long-legacy-key-0123456789abcdeF"));
    }

    [Theory]
    [InlineData("Auth:Keys:ops:Hash", "the-plain-key-itself", "Auth:Keys:ops:Hash")]
    [InlineData("Auth:Keys:ops:Hash", "sha256:1234", "Auth:Keys:ops:Hash")]
    [InlineData("Auth:Roles:teller", "read execute:account@mine", "Auth:Roles:teller")]
    [InlineData("Auth:Authority", "not a url", "Auth:Authority")]
    [InlineData("Auth:ClockSkewSeconds", "-1", "Auth:ClockSkewSeconds")]
    public void A_malformed_setting_stops_the_host_naming_it_and_never_echoing_a_key(string key, string value, string named)
    {
        var settings = new List<(string, string)> { (key, value) };
        if (key.StartsWith("Auth:Keys:", StringComparison.Ordinal))
        {
            settings.Add(("Auth:Keys:ops:Roles", "operator"));
        }

        var error = Assert.Throws<InvalidOperationException>(() => Read([.. settings]));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("the-plain-key-itself", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_needs_defined_roles_and_an_authority_needs_an_audience()
    {
        var digest = ApiKeyRing.Digest("k");
        Assert.Contains("Roles", Assert.Throws<InvalidOperationException>(() => Read(("Auth:Keys:ops:Hash", digest), ("Auth:Keys:ops:Roles", "wizard"))).Message, StringComparison.Ordinal);
        Assert.Contains("Auth:Audiences", Assert.Throws<InvalidOperationException>(() => Read(("Auth:Authority", "https://login.example/tenant/v2.0"))).Message, StringComparison.Ordinal);
        Assert.Equal(["operator"], Read(("Auth:Keys:ops:Hash", digest), ("Auth:Keys:ops:Roles", "operator")).Keys.Single().Roles);
    }
}
