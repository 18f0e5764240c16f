namespace Serverless.EventSourcing.TestKit;

/// <summary>A scenario's expectation did not hold; the message shows what was expected and what happened, events as JSON.</summary>
public sealed class ScenarioFailedException : Exception
{
    public ScenarioFailedException()
    {
    }

    public ScenarioFailedException(string message)
        : base(message)
    {
    }

    public ScenarioFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
