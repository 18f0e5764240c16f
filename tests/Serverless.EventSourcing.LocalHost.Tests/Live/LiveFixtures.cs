namespace Serverless.EventSourcing.LocalHost.Tests.Live;

/// <summary>Small buffers and a 1 s stall timeout, so a subscriber that stops reading is closed quickly; events up to 1 MiB.</summary>
public sealed class TightLiveFixture : LocalHostFixture
{
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Live:BufferEvents"] = "8",
        ["Live:StallSeconds"] = "1",
        ["Api:MaxBodyBytes"] = "1048576",
    };
}

/// <summary>Two subscribers at most, and connections that end after 2 s.</summary>
public sealed class CappedLiveFixture : LocalHostFixture
{
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Live:MaxSubscribers"] = "2",
        ["Live:MaxConnectionSeconds"] = "2",
    };
}
