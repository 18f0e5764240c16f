using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Application.Jobs;
using Serverless.EventSourcing.Functions.Sagas;

namespace Serverless.EventSourcing.Functions.Tests.Metadata;

/// <summary>The contract as the application layer and the app's Durable constants define it today.</summary>
internal static class Contract
{
    public static AppContract Current { get; } = new(
        [.. ApiRoutes.All, ApiRoutes.Fallback],
        [.. JobSchedules.Maintenance, JobSchedules.Relay, JobSchedules.Rebuild],
        [SagaOrchestrator.Name],
        [SagaOrchestrator.AdvanceActivity],
        BuiltApp.KafkaTriggerExcluded ? [] : ["ProjectEvents", "ProjectEventsPlaintext"]);
}
