using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Store;

/// <summary>One stream's part of a multi-stream append: its events and the version it must be at.</summary>
public sealed record StreamAppend(StreamId Stream, ExpectedVersion Expected, IReadOnlyList<EventData> Events);
