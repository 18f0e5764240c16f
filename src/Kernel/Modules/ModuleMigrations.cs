using System.Reflection;

namespace Serverless.EventSourcing.Modules;

/// <summary>
/// A domain module's own schema (its read-model tables): embedded <c>.sql</c> resources of <paramref name="Assembly"/>
/// named <c>{ResourcePrefix}NNNN_name.sql</c>, applied in order once each, after the store's own migrations.
/// </summary>
public sealed record ModuleMigrations(string Module, Assembly Assembly, string ResourcePrefix);
