namespace Serverless.EventSourcing.Archive;

/// <summary>
/// Where archived stream segments live (Azure Blob Storage in both hosts). Names are relative to the archive's
/// container; writes overwrite, so a segment written again after a crash replaces the orphan of the first try.
/// </summary>
public interface IArchiveStorage
{
    Task WriteAsync(string name, ReadOnlyMemory<byte> content, string contentType, CancellationToken ct);

    /// <exception cref="ArchiveUnavailableException">The storage cannot be reached, or the blob is missing.</exception>
    Task<byte[]> ReadAsync(string name, CancellationToken ct);

    Task DeleteAsync(string name, CancellationToken ct);

    /// <summary>Readiness: throws when the container cannot be reached.</summary>
    Task CheckAsync(CancellationToken ct);
}
