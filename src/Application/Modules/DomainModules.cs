using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.PersonalData;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Modules;
using Serverless.EventSourcing.Sagas;

namespace Serverless.EventSourcing.Application.Modules;

/// <summary>Registers the framework's own event types and the hosts' chosen modules.</summary>
public static class DomainModules
{
    public static IServiceCollection AddDomainModules(this IServiceCollection services, IEnumerable<IDomainModule> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        var aggregates = new AggregateRegistry(AuditTrail.Register(SagaEvents.Register(new EventTypeRegistry())));
        var readRoutes = new ReadRoutes();
        var ownership = new OwnershipRules();
        var personalData = new PersonalDataCatalog();
        foreach (var module in modules)
        {
            module.Register(new DomainBuilder(module, services, aggregates, readRoutes, ownership, personalData));
        }

        services.AddSingleton(personalData);
        services.AddSingleton(aggregates);
        services.AddSingleton(aggregates.Events);
        services.AddSingleton(readRoutes);
        services.AddSingleton(ownership);
        return services;
    }

    /// <summary>The aggregate registry of <paramref name="modules"/> outside a host (tests, benchmarks, tools).</summary>
    public static AggregateRegistry CreateRegistry(params IDomainModule[] modules) =>
        (AggregateRegistry)new ServiceCollection().AddDomainModules(modules).Single(d => d.ServiceType == typeof(AggregateRegistry)).ImplementationInstance!;

    /// <summary>The read-model migrations <paramref name="modules"/> declare, outside a host (tests, benchmarks, tools).</summary>
    public static IReadOnlyList<ModuleMigrations> MigrationsOf(params IDomainModule[] modules) =>
        new ServiceCollection().AddDomainModules(modules).Where(d => d.ServiceType == typeof(ModuleMigrations)).Select(d => (ModuleMigrations)d.ImplementationInstance!).ToList();
}
