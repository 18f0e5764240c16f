using Serverless.EventSourcing.Functions.Tests.Hosts;

namespace Serverless.EventSourcing.Functions.Tests.PgBouncer;

/// <summary>
/// The local host whose every database connection goes through PgBouncer 1.18 in transaction mode (Azure's built-in
/// pooler runs so), with prepared statements off as README's "Connections" says to set them there.
/// </summary>
public class PgBouncerLocalHost : LocalHostHost
{
    private PgBouncerServer? _bouncer;

    /// <summary>The <c>Postgres:MaxAutoPrepare</c> the host runs with.</summary>
    protected virtual string MaxAutoPrepare => "0";

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Postgres:ConnectionString"] = _bouncer!.Through(Database.ConnectionString),
        ["Postgres:MaxAutoPrepare"] = MaxAutoPrepare,
    };

    public override async Task InitializeAsync()
    {
        var server = await PostgresServer.GetSharedAsync();
        _bouncer = await PgBouncerServer.StartAsync(server.AdminConnectionString);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_bouncer is not null)
        {
            await _bouncer.DisposeAsync();
        }
    }
}

/// <summary>The same with the default <c>Postgres:MaxAutoPrepare=50</c>, the misconfiguration to detect.</summary>
public sealed class PgBouncerPreparingLocalHost : PgBouncerLocalHost
{
    protected override string MaxAutoPrepare => "50";
}
