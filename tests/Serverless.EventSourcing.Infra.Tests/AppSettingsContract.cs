using System.Text.RegularExpressions;

namespace Serverless.EventSourcing.Infra.Tests;

/// <summary>
/// The rules that keep infra/ in step with local.settings.sample.json. Each check returns the
/// violations it found as sentences; an empty list means no drift.
/// </summary>
internal static partial class AppSettingsContract
{
    /// <summary>
    /// Sample keys that Azure provides another way, so the Function App must not set them:
    /// <c>AzureWebJobsStorage</c> becomes the identity-based <c>AzureWebJobsStorage__*</c> keys, and
    /// <c>FUNCTIONS_WORKER_RUNTIME</c> becomes <c>functionAppConfig.runtime.name</c> (Flex Consumption
    /// rejects the app setting), <c>Cors__AllowedOrigins</c> becomes <c>siteConfig.cors.allowedOrigins</c> (the
    /// platform's CORS answers before the worker), and <c>Archive__ConnectionString</c> is local only (Azurite): the
    /// storage account has shared keys off, so Azure reaches the archive through <see cref="ArchiveServiceUriKey"/>.
    /// </summary>
    public static readonly IReadOnlySet<string> PlatformMappedSampleKeys =
        new HashSet<string>(StringComparer.Ordinal) { "AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME", "Cors__AllowedOrigins", ArchiveConnectionStringKey };

    /// <summary>The archive's storage connection string: a local (Azurite) key, never deployed.</summary>
    public const string ArchiveConnectionStringKey = "Archive__ConnectionString";

    /// <summary>
    /// The archive's blob service endpoint: empty in the sample (the connection string serves locally), provided by
    /// Azure as the storage account's blob endpoint and reached with the app identity that <c>AZURE_CLIENT_ID</c> names.
    /// </summary>
    public const string ArchiveServiceUriKey = "Archive__BlobServiceUri";

    /// <summary>Keys the Function App needs in Azure that have no place in local.settings.json.</summary>
    public static readonly IReadOnlySet<string> PlatformKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "AZURE_CLIENT_ID",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    };

    public static IReadOnlyList<string> FindViolations(IReadOnlyDictionary<string, string> sample, BicepAppSettings bicep) =>
    [
        .. MissingFromBicep(sample, bicep),
        .. MissingFromSample(sample, bicep),
        .. PlainSecrets(bicep),
    ];

    /// <summary>Every sample key is deployed, or is mapped by the platform the documented way.</summary>
    public static IReadOnlyList<string> MissingFromBicep(IReadOnlyDictionary<string, string> sample, BicepAppSettings bicep)
    {
        var violations = new List<string>();
        foreach (var key in sample.Keys)
        {
            switch (key)
            {
                case "AzureWebJobsStorage":
                    violations.AddRange(HostStorageMappingViolations(bicep));
                    break;
                case "FUNCTIONS_WORKER_RUNTIME":
                    violations.AddRange(WorkerRuntimeMappingViolations(sample[key], bicep));
                    break;
                case ArchiveConnectionStringKey:
                    violations.AddRange(ArchiveStorageMappingViolations(bicep));
                    break;
                case "Cors__AllowedOrigins":
                    if (bicep.Contains(key))
                    {
                        violations.Add($"{key} is set as an app setting; under the platform's CORS app code has no effect, so it belongs in siteConfig.cors.allowedOrigins.");
                    }

                    if (bicep.CorsAllowedOrigins?.Contains("corsAllowedOrigins", StringComparison.Ordinal) != true)
                    {
                        violations.Add($"siteConfig.cors.allowedOrigins is '{bicep.CorsAllowedOrigins}', not taken from the corsAllowedOrigins parameter ({key} of the sample).");
                    }

                    break;
                default:
                    if (!bicep.Contains(key))
                    {
                        violations.Add($"{key} is in local.settings.sample.json but not in the Function App app settings.");
                    }

                    break;
            }
        }

        return violations;
    }

    /// <summary>Every deployed key is in the sample or is a known platform key.</summary>
    public static IReadOnlyList<string> MissingFromSample(IReadOnlyDictionary<string, string> sample, BicepAppSettings bicep) =>
        bicep.Keys
            .Where(key => !sample.ContainsKey(key) && !PlatformKeys.Contains(key))
            .Select(key => $"{key} is set in Bicep but is neither in local.settings.sample.json nor a platform key.")
            .ToList();

    /// <summary>
    /// A secret-looking setting (key contains Password or ConnectionString, or ends with Key) comes
    /// from a Key Vault reference or is identity-based.
    /// </summary>
    public static IReadOnlyList<string> PlainSecrets(BicepAppSettings bicep)
    {
        var violations = new List<string>();
        foreach (var (key, value) in bicep.Settings)
        {
            if (!LooksSecret(key))
            {
                if (CredentialAssignment().IsMatch(value))
                {
                    violations.Add($"{key} embeds a credential in its value; use a Key Vault reference.");
                }

                continue;
            }

            if (IsKeyVaultReference(value))
            {
                continue;
            }

            var identityProblem = IdentityBasedProblem(key, value, bicep);
            if (identityProblem is not null)
            {
                violations.Add(identityProblem);
            }
        }

        return violations;
    }

    public static bool LooksSecret(string key)
    {
        var normalized = key.Replace("_", string.Empty, StringComparison.Ordinal);
        return normalized.Contains("password", StringComparison.OrdinalIgnoreCase)
            || normalized.Contains("connectionstring", StringComparison.OrdinalIgnoreCase)
            || normalized.EndsWith("key", StringComparison.OrdinalIgnoreCase);
    }

    public static bool IsKeyVaultReference(string bicepValue) => KeyVaultReference().IsMatch(bicepValue);

    // Null when the value is a legitimate identity-based setting, otherwise why it is not.
    private static string? IdentityBasedProblem(string key, string value, BicepAppSettings bicep)
    {
        const string ConnectionStringSuffix = "__ConnectionString";
        if (key == "APPLICATIONINSIGHTS_CONNECTION_STRING")
        {
            // With local auth off the connection string only routes telemetry; the Entra token
            // named by the authentication string is what authorizes it.
            var auth = bicep.ValueOf("APPLICATIONINSIGHTS_AUTHENTICATION_STRING") ?? string.Empty;
            return auth.Contains("Authorization=AAD", StringComparison.Ordinal)
                ? null
                : $"{key} is set without APPLICATIONINSIGHTS_AUTHENTICATION_STRING using Authorization=AAD.";
        }

        if (key.EndsWith(ConnectionStringSuffix, StringComparison.Ordinal))
        {
            var section = key[..^ConnectionStringSuffix.Length];
            var entraKey = $"{section}__UseEntraAuthentication";
            if (CredentialAssignment().IsMatch(value))
            {
                return $"{key} carries a credential in Bicep; use a Key Vault reference or Entra authentication.";
            }

            return bicep.IsLiteral(entraKey, "true")
                ? null
                : $"{key} is not a Key Vault reference and {entraKey} is not 'true', so it is not identity-based.";
        }

        return $"{key} looks secret but is set from {value}; use @Microsoft.KeyVault(SecretUri=...).";
    }

    private static IEnumerable<string> HostStorageMappingViolations(BicepAppSettings bicep)
    {
        if (bicep.Contains("AzureWebJobsStorage"))
        {
            yield return "AzureWebJobsStorage is set in Bicep; Azure must use the identity-based AzureWebJobsStorage__* keys.";
        }

        foreach (var key in new[] { "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__clientId" })
        {
            if (!bicep.Contains(key))
            {
                yield return $"AzureWebJobsStorage is mapped to identity-based settings, but {key} is missing.";
            }
        }

        if (!bicep.IsLiteral("AzureWebJobsStorage__credential", "managedidentity"))
        {
            yield return "AzureWebJobsStorage__credential must be 'managedidentity'.";
        }
    }

    // Archive__ConnectionString is mapped to Archive__BlobServiceUri with the app identity. A missing
    // Archive__BlobServiceUri is reported as a sample key not deployed, so only its value is checked here.
    private static IEnumerable<string> ArchiveStorageMappingViolations(BicepAppSettings bicep)
    {
        if (bicep.Contains(ArchiveConnectionStringKey))
        {
            yield return $"{ArchiveConnectionStringKey} is set in Bicep; the storage account has shared keys off, so Azure reaches the archive with the app identity through {ArchiveServiceUriKey}.";
        }

        var serviceUri = bicep.ValueOf(ArchiveServiceUriKey);
        if (serviceUri is not null && serviceUri.StartsWith('\''))
        {
            yield return $"{ArchiveServiceUriKey} is the literal {serviceUri}; on Azure it is the storage account's blob endpoint, passed in from the storage module.";
        }

        if (!bicep.Contains("AZURE_CLIENT_ID"))
        {
            yield return $"{ArchiveConnectionStringKey} is mapped to identity-based {ArchiveServiceUriKey}, but AZURE_CLIENT_ID, which names the identity, is missing.";
        }
    }

    private static IEnumerable<string> WorkerRuntimeMappingViolations(string sampleRuntime, BicepAppSettings bicep)
    {
        if (bicep.Contains("FUNCTIONS_WORKER_RUNTIME"))
        {
            yield return "FUNCTIONS_WORKER_RUNTIME is set as an app setting; Flex Consumption takes it from functionAppConfig.runtime.name.";
        }

        if (bicep.RuntimeName != sampleRuntime)
        {
            yield return $"functionAppConfig.runtime.name is '{bicep.RuntimeName}' but the sample's FUNCTIONS_WORKER_RUNTIME is '{sampleRuntime}'.";
        }
    }

    [GeneratedRegex(@"^'@Microsoft\.KeyVault\(SecretUri=[^)]+\)'$")]
    private static partial Regex KeyVaultReference();

    // Password=, Pwd= (Npgsql, StackExchange.Redis), AccountKey= (storage), SharedAccessKey= (Event Hubs).
    [GeneratedRegex(@"(?i)(?:^|[;,'\s])(?:password|pwd|psw|accountkey|sharedaccesskey)\s*=")]
    private static partial Regex CredentialAssignment();
}
