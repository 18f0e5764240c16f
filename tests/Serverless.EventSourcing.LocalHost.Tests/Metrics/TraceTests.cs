using System.Collections.Concurrent;
using System.Diagnostics;

namespace Serverless.EventSourcing.LocalHost.Tests.Metrics;

/// <summary>One trace runs HTTP → command → SQL and carries the correlation id. (Alone in its collection: listeners see the whole process.)</summary>
[Collection(nameof(MetricsScrapeTests))]
public sealed class TraceTests(MetricsFixture host) : IClassFixture<MetricsFixture>
{
    [Fact]
    public async Task A_command_over_http_is_one_trace_from_the_request_through_the_command_to_its_sql_with_the_correlation_id()
    {
        // Given a listener for the host's spans
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Serverless.EventSourcing" or "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        // When a command is sent with a correlation id
        var id = Http.NewId();
        var correlationId = "trace-" + id;
        var response = await host.Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/open", new { owner = "Ada", currency = "EUR" }, ("x-correlation-id", correlationId));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Then the command span sits under the HTTP request span (which ends just after the client has its answer),
        // the SQL spans under the command, all in one trace
        var command = Assert.Single(spans, s => s.OperationName == "command account.open" && (string?)s.GetTagItem("es.correlation_id") == correlationId);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!spans.Any(s => s.SpanId == command.ParentSpanId) && !bound.IsCancellationRequested)
        {
            await Task.Delay(20);
        }

        var request = Assert.Single(spans, s => s.SpanId == command.ParentSpanId);
        Assert.Equal("Microsoft.AspNetCore", request.Source.Name);
        Assert.Equal(correlationId, request.GetTagItem("es.correlation_id"));
        var sql = spans.Where(s => s.Source.Name == "Npgsql" && s.ParentSpanId == command.SpanId).ToList();
        Assert.NotEmpty(sql);
        Assert.All(sql, s => Assert.Equal(command.TraceId, s.TraceId));
    }
}
