namespace Serverless.EventSourcing.Store;

public sealed record StreamInfo(string StreamId, string Category, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DeletedAt)
{
    public bool IsDeleted => DeletedAt is not null;
}
