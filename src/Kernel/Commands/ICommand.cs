namespace Serverless.EventSourcing;

/// <summary>A command payload. <see cref="Validate"/> throws <see cref="InvalidInputException"/> naming the bad field.</summary>
public interface ICommand
{
    void Validate();
}
