namespace Serverless.EventSourcing.Archive;

/// <summary>Archived events were needed and the archive could not give them (storage away, segment missing or corrupt). Answered 503.</summary>
public sealed class ArchiveUnavailableException(string message, Exception? inner = null) : EventSourcingException(message, inner);

/// <summary>Archive failures are outages of Blob Storage: the request did nothing and can be retried.</summary>
public sealed class ArchiveOutages : IOutageDetector
{
    public DependencyOutage? Detect(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is ArchiveUnavailableException)
            {
                return new DependencyOutage("The event archive (Blob Storage)", e.Message);
            }
        }

        return null;
    }
}
