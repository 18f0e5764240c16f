namespace Serverless.EventSourcing.Application.Modules;

/// <summary>
/// A domain built on the framework: its event types, aggregates, projections (with their read-model tables and
/// migrations), sagas and read routes, registered through <see cref="DomainBuilder"/>. Hosts pick the modules they
/// serve at registration; no framework project knows any module.
/// </summary>
public interface IDomainModule
{
    /// <summary>Stable name: its read-model migrations are recorded under it.</summary>
    string Name { get; }

    void Register(DomainBuilder domain);
}
