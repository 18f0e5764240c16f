namespace Serverless.EventSourcing.Store;

/// <summary>The one source of how much a read may return.</summary>
public static class ReadLimits
{
    /// <summary>The largest page a caller of the API or of a log query may ask for.</summary>
    public const int MaxPage = 1000;

    /// <summary>The largest batch the store hands internal readers at once (catch-up, rebuilds, relays, saga histories).</summary>
    public const int MaxBatch = 10_000;
}
