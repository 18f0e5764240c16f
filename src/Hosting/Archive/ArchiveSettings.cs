using System.Globalization;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Serverless.EventSourcing.Application.Jobs;
using Serverless.EventSourcing.Retention;

namespace Serverless.EventSourcing.Hosting.Archive;

/// <summary>
/// The <c>Archive:*</c> settings (where the archive is and what goes there) and the category policies under
/// <c>Retention:Categories:{category}:MaxCount</c> and <c>…:MaxAgeDays</c>.
/// </summary>
public sealed record ArchiveSettings
{
    public const string DefaultContainer = "es-archive";

    /// <summary>A storage connection string (Azurite locally); on Azure <see cref="BlobServiceUri"/> with the app's identity instead.</summary>
    public string? ConnectionString { get; init; }

    public Uri? BlobServiceUri { get; init; }

    public string Container { get; init; } = DefaultContainer;

    public required ArchiveOptions Options { get; init; }

    public long CacheBytes { get; init; } = 64L * 1024 * 1024;

    public required RetentionPolicies Retention { get; init; }

    public bool StorageConfigured => ConnectionString is not null || BlobServiceUri is not null;

    public static ArchiveSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var uri = configuration["Archive:BlobServiceUri"] is { Length: > 0 } text
            ? Uri.TryCreate(text, UriKind.Absolute, out var parsed) && parsed.Scheme is "https" or "http"
                ? parsed
                : throw new InvalidOperationException($"Setting Archive:BlobServiceUri (Archive__BlobServiceUri) must be the storage account's blob endpoint, not '{text}'.")
            : null;
        var container = configuration["Archive:Container"] is { Length: > 0 } name ? name : DefaultContainer;
        if (container.Length is < 3 or > 63 || !container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new InvalidOperationException($"Setting Archive:Container must be a blob container name (3-63 lowercase letters, digits, hyphens), not '{container}'.");
        }

        var categories = (configuration["Archive:Categories"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return new ArchiveSettings
        {
            ConnectionString = configuration["Archive:ConnectionString"] is { Length: > 0 } cs ? cs : null,
            BlobServiceUri = uri,
            Container = container,
            Options = new ArchiveOptions
            {
                Categories = categories,
                UntouchedFor = TimeSpan.FromDays(EventSourcingSettings.Int(configuration, "Archive:AfterDays", 90, min: 0)),
                SegmentEvents = EventSourcingSettings.Int(configuration, "Archive:SegmentEvents", 10_000, min: 1),
            },
            CacheBytes = EventSourcingSettings.Int(configuration, "Archive:CacheMegabytes", 64, min: 1) * 1024L * 1024,
            Retention = RetentionFrom(configuration),
        };
    }

    public BlobContainerClient ContainerClient()
    {
        var service = ConnectionString is not null
            ? new BlobServiceClient(ConnectionString, BlobArchiveStorage.ClientOptions())
            : new BlobServiceClient(BlobServiceUri ?? throw new InvalidOperationException("No archive storage is configured."), new DefaultAzureCredential(), BlobArchiveStorage.ClientOptions());
        return service.GetBlobContainerClient(Container);
    }

    private static RetentionPolicies RetentionFrom(IConfiguration configuration)
    {
        var policies = new Dictionary<string, StreamPolicy>(StringComparer.Ordinal);
        foreach (var category in configuration.GetSection("Retention:Categories").GetChildren())
        {
            var prefix = $"Retention:Categories:{category.Key}:";
            foreach (var field in category.GetChildren())
            {
                if (field.Key is not ("MaxCount" or "MaxAgeDays"))
                {
                    throw new InvalidOperationException($"Setting {prefix}{field.Key} is not a retention field; use MaxCount or MaxAgeDays.");
                }
            }

            long? Whole(string key) => configuration[prefix + key] is { Length: > 0 } value
                ? long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : throw new InvalidOperationException($"Setting {prefix}{key} must be a whole number of at least 1, not '{value}'.")
                : null;
            var days = Whole("MaxAgeDays");
            policies[category.Key] = new StreamPolicy(Whole("MaxCount"), days is { } d ? TimeSpan.FromDays(d) : null);
        }

        return new RetentionPolicies(policies);
    }
}
