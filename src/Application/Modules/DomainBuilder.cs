using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Aggregates;
using System.Linq.Expressions;
using Serverless.EventSourcing.Application.PersonalData;
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
    private readonly PersonalDataCatalog _personalData;

    internal DomainBuilder(IDomainModule module, IServiceCollection services, AggregateRegistry aggregates, ReadRoutes readRoutes, OwnershipRules ownership, PersonalDataCatalog personalData)
    {
        _personalData = personalData;
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

    /// <summary>
    /// A projection, created from the services (its constructor may take the <see cref="EventTypeRegistry"/>). One that
    /// keeps personal data implements <see cref="IPersonalDataProjection"/>; asking for plain values, it gets them.
    /// </summary>
    public DomainBuilder Projection<TProjection>()
        where TProjection : class, IProjection
    {
        Services.AddSingleton<TProjection>();
        Services.AddSingleton<IProjection>(sp => sp.GetRequiredService<TProjection>() is IPersonalDataProjection { PersonalData: PersonalDataUse.PlainValues } plain
            ? new PlainValueProjection(plain, sp.GetRequiredService<SubjectKeys>())
            : sp.GetRequiredService<TProjection>());
        return this;
    }

    /// <summary>
    /// Declares the personal fields of <typeparamref name="TEvent"/> (registered before) and whose they are: encrypted per
    /// subject before they are stored, readable only with the <c>personal</c> permission, gone when the subject is erased.
    /// </summary>
    /// <param name="subject">The property holding the data subject's id (an owner id, a customer id).</param>
    /// <param name="subjectIsStreamWhenAbsent">When that property is null, the stream id is the subject (instead of refusing the event).</param>
    public DomainBuilder PersonalData<TEvent>(Expression<Func<TEvent, string?>> subject, bool subjectIsStreamWhenAbsent, params Expression<Func<TEvent, object?>>[] fields)
        where TEvent : class
    {
        _personalData.Add(PersonalDataCatalog.Of(Events.NameOf(typeof(TEvent)), subject, subjectIsStreamWhenAbsent, fields));
        return this;
    }

    /// <summary>Declares personal fields by their JSON names and kinds, for event types raw appends write (no class needed).</summary>
    public DomainBuilder PersonalData(PersonalDataDeclaration declaration)
    {
        _personalData.Add(declaration);
        return this;
    }

    /// <summary>A saga's input that holds personal data: encrypted in its <c>SagaStarted</c> event; its steps pass the encrypted values on.</summary>
    public DomainBuilder PersonalSagaInput(ISagaDefinition saga, string subjectField, params PersonalField[] fields)
    {
        ArgumentNullException.ThrowIfNull(saga);
        _personalData.AddSagaInput(saga.Name, new PersonalDataDeclaration($"{saga.Name} input", subjectField, false, fields));
        return this;
    }

    public DomainBuilder Saga(ISagaDefinition saga)
    {
        Services.AddSingleton(saga);
        return this;
    }

    /// <summary>
    /// A read route under <c>/api/read/</c>: <paramref name="template"/> like <c>orders/{id}</c>; GET only.
    /// <paramref name="access"/> says what a caller needs (checked before the handler runs); <paramref name="query"/> names
    /// the query parameters the handler reads, so the API document lists them.
    /// </summary>
    public DomainBuilder ReadRoute(string template, string summary, ReadAccess access, ReadRouteHandler handler, params ReadParameter[] query)
    {
        _readRoutes.Add(new ReadRoute(template, summary, handler, access) { Query = query });
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
