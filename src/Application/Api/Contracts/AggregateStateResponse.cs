using System.Text.Json;

namespace Serverless.EventSourcing.Application.Api.Contracts;

/// <summary>An aggregate's state now, or as of a version or a time (the one asked for is echoed; the other is null).</summary>
/// <param name="State">The aggregate's state as its module serializes it.</param>
public sealed record AggregateStateResponse(string Type, string Id, string StreamId, long Version, long? AsOfVersion, DateTimeOffset? AsOf, JsonElement State);
