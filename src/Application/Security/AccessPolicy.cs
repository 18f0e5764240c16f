using System.Collections.Concurrent;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Security;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Application.Security;

/// <summary>Maps a principal's roles to its rights (the union of the roles' grants) and hands out per-request checks.</summary>
public sealed class AccessPolicy(AuthOptions options, OwnershipRules rules, AggregateRegistry aggregates, AggregateRepository repository, IEventStore store)
{
    // Tokens carry whatever roles their issuer put in; only so many different sets are remembered.
    private const int MaxCachedRoleSets = 1024;
    private readonly ConcurrentDictionary<string, AccessRights> _byRoles = new(StringComparer.Ordinal);

    public AccessRights RightsOf(Principal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (options.Open)
        {
            return AccessRights.Open;
        }

        var roles = string.Join('\n', principal.Roles.Order(StringComparer.Ordinal));
        if (_byRoles.TryGetValue(roles, out var rights))
        {
            return rights;
        }

        // Roles nobody defined grant nothing: a token may carry roles meant for other applications.
        rights = AccessRights.Of(principal.Roles.SelectMany(r => options.Roles.TryGetValue(r, out var grants) ? grants : []));
        if (_byRoles.Count < MaxCachedRoleSets)
        {
            _byRoles.TryAdd(roles, rights);
        }

        return rights;
    }

    /// <summary>A caller without a valid credential on an anonymous route (the probes): no rights at all.</summary>
    public RequestAccess Nobody => new(Principal.Anonymous, options.Open ? AccessRights.Open : AccessRights.None, rules, aggregates, repository, store);

    public RequestAccess For(Principal principal) => new(principal, RightsOf(principal), rules, aggregates, repository, store);
}
