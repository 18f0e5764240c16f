namespace Serverless.EventSourcing;

/// <summary>Something the request names does not exist (a stream, a projection, a saga): 404 over HTTP.</summary>
public class ResourceNotFoundException(string message) : EventSourcingException(message);
