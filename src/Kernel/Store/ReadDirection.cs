namespace Serverless.EventSourcing.Store;

public enum ReadDirection
{
    Forward,
    Backward,
}
