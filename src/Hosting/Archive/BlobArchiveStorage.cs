using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.EventSourcing.Archive;

namespace Serverless.EventSourcing.Hosting.Archive;

/// <summary>
/// The archive in an Azure Blob Storage container (Azurite locally). The container is created on first write if it is
/// missing (Bicep creates it on Azure). Every failure to reach the service is an <see cref="ArchiveUnavailableException"/>.
/// </summary>
public sealed class BlobArchiveStorage(BlobContainerClient container) : IArchiveStorage
{
    private volatile bool _containerReady;

    /// <summary>Few, short retries: a read waiting on an unreachable archive holds its request, and the job tries again next run.</summary>
    public static BlobClientOptions ClientOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(15);
        return options;
    }

    public async Task WriteAsync(string name, ReadOnlyMemory<byte> content, string contentType, CancellationToken ct)
    {
        await Guard(async () =>
        {
            if (!_containerReady)
            {
                await container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: ct);
                _containerReady = true;
            }

            await container.GetBlobClient(name).UploadAsync(
                BinaryData.FromBytes(content),
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } },
                ct);
            return 0;
        }, name);
    }

    public Task<byte[]> ReadAsync(string name, CancellationToken ct) =>
        Guard(async () => (await container.GetBlobClient(name).DownloadContentAsync(ct)).Value.Content.ToArray(), name);

    public Task DeleteAsync(string name, CancellationToken ct) =>
        Guard(async () => (await container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: ct)).Value, name);

    /// <summary>Reachable is enough: a missing container is created by the first archive run.</summary>
    public Task CheckAsync(CancellationToken ct) => Guard(async () => (await container.ExistsAsync(ct)).Value, container.Name);

    private static async Task<T> Guard<T>(Func<Task<T>> call, string name)
    {
        try
        {
            return await call();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new ArchiveUnavailableException($"The archive has no blob '{name}'.", ex);
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or AggregateException or TimeoutException)
        {
            throw new ArchiveUnavailableException($"Blob Storage could not be reached ({ex.GetType().Name}).", ex);
        }
    }
}
