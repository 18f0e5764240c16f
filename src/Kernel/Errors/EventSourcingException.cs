namespace Serverless.EventSourcing;

/// <summary>Base of every error the library raises on purpose; hosts map each subtype to one response.</summary>
public abstract class EventSourcingException(string message, Exception? inner = null) : Exception(message, inner);
