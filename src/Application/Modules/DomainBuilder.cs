using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Modules;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Sagas;

namespace Serverless.EventSourcing.Application.Modules;

/// <summary>The public extension points a <see cref="IDomainModule"/> registers its parts through.</summary>
public sealed class DomainBuilder
{
    private readonly IDomainModule _module;
    private readonly AggregateRegistry _aggregates;
    private readonly ReadRoutes _readRoutes;
    private readonly OwnershipRules _ownership;

    internal DomainBuilder(IDomainModule module, IServiceCollection services, AggregateRegistry aggregates, ReadRoutes readRoutes, OwnershipRules ownership)
    {
        _module = module;
        Services = services;
        _aggregates = aggregates;
        _readRoutes = readRoutes;
        _ownership = ownership;
    }

    /// <summary>Register every event type with its stored name here, once; projections take names from it.</summary>
    public EventTypeRegistry Events => _aggregates.Events;

    /// <summary>For the module's own services (what its projections and read routes need).</summary>
    public IServiceCollection Services { get; }

    public DomainBuilder Aggregate(IAggregateDefinition definition)
    {
        _aggregates.Add(definition);
        return this;
    }

    /// <summary>A projection, created from the services (its constructor may take the <see cref="EventTypeRegistry"/>).</summary>
    public DomainBuilder Projection<TProjection>()
        where TProjection : class, IProjection
    {
        Services.AddSingleton<IProjection, TProjection>();
        return this;
    }

    public DomainBuilder Saga(ISagaDefinition saga)
    {
        Services.AddSingleton(saga);
        return this;
    }

    /// <summary>
    /// A read route under <c>/api/read/</c>: <paramref name="template"/> like <c>orders/{id}</c>; GET only.
    /// <paramref name="access"/> says what a caller needs (checked before the handler runs).
    /// </summary>
    public DomainBuilder ReadRoute(string template, string summary, ReadAccess access, ReadRouteHandler handler)
    {
        _readRoutes.Add(new ReadRoute(template, summary, handler, access));
        return this;
    }

    /// <summary>
    /// Who owns an aggregate of this kind (for example: an account's owner id is the caller's subject). Grants limited
    /// to owned streams (<c>execute:account@own</c>) reach only the streams this rule says the principal owns.
    /// </summary>
    public DomainBuilder Ownership<TState>(AggregateDefinition<TState> aggregate, OwnershipRule<TState> rule)
        where TState : class
    {
        _ownership.Add(aggregate, rule);
        return this;
    }

    /// <summary>
    /// The module's read-model tables: embedded <c>.sql</c> resources of <paramref name="assembly"/> whose names start with
    /// <paramref name="resourcePrefix"/> and end in <c>NNNN_name.sql</c>, applied in order once each, after the store's own.
    /// </summary>
    public DomainBuilder Migrations(Assembly assembly, string resourcePrefix)
    {
        Services.AddSingleton(new ModuleMigrations(_module.Name, assembly, resourcePrefix));
        return this;
    }
}
