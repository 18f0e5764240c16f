using Serverless.EventSourcing.Sagas;

namespace Serverless.EventSourcing.Application.Sagas;

/// <summary>The saga definitions this app knows, by name.</summary>
public sealed class SagaCatalog(IEnumerable<ISagaDefinition> definitions)
{
    private readonly Dictionary<string, ISagaDefinition> _byName = definitions.ToDictionary(d => d.Name, StringComparer.Ordinal);

    public IEnumerable<ISagaDefinition> All => _byName.Values;

    public bool TryGet(string name, out ISagaDefinition definition) => _byName.TryGetValue(name, out definition!);

    public ISagaDefinition Get(string name) =>
        TryGet(name, out var d) ? d : throw new InvalidOperationException($"No saga named '{name}'.");
}
