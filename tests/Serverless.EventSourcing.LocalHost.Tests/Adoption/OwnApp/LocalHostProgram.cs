// A team's own local host, built by OwnAppFromPackagesTests from the packed Serverless.EventSourcing packages alone:
// one domain module (a ticket aggregate) and the one call that serves it.
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing;
using Serverless.EventSourcing.LocalHost;

await LocalHostApp.Build(args, [new TicketModule()]).RunAsync();

public sealed record TicketOpened(string Title);

public sealed record TicketState(bool Open, string Title)
{
    public static TicketState Initial { get; } = new(false, "");
}

public sealed record Open(string Title) : ICommand
{
    public void Validate() => Require.NotBlank(Title, "title", 200);
}

public sealed class TicketModule : IDomainModule
{
    public string Name => "tickets";

    public void Register(DomainBuilder domain)
    {
        domain.Events.Register<TicketOpened>("TicketOpened");
        domain.Aggregate(new AggregateDefinition<TicketState>("ticket", TicketState.Initial)
            .On<TicketOpened>((s, e) => s with { Open = true, Title = e.Title })
            .Command<Open>("open", (s, c) => s.Open ? Decision.Reject("ticket_open", "The ticket is open.") : Decision.Accept(new TicketOpened(c.Title)), creates: true));
    }
}
