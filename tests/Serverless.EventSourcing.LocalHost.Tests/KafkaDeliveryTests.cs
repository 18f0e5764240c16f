namespace Serverless.EventSourcing.LocalHost.Tests;

/// <summary>
/// With <c>Projections:Delivery</c> = <c>kafka</c> the local host runs the Azure code paths: the relay publishes the log
/// to the topic and a consumer group member feeds the projections.
/// </summary>
public class KafkaDeliveryTests(KafkaDeliveryTests.KafkaHostFixture host) : IClassFixture<KafkaDeliveryTests.KafkaHostFixture>
{
    public sealed class KafkaHostFixture : LocalHostFixture
    {
        private string _bootstrap = "";

        public override async Task InitializeAsync()
        {
            _bootstrap = (await KafkaEndpoint.GetSharedAsync()).BootstrapServers;
            await base.InitializeAsync();
        }

        protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
        {
            ["Projections:Delivery"] = "kafka",
            ["Kafka:BootstrapServers"] = _bootstrap,
            ["Kafka:EventsTopic"] = "local-" + Guid.NewGuid().ToString("N")[..8],
            ["Kafka:ConsumerGroup"] = "local-" + Guid.NewGuid().ToString("N")[..8],
            ["Kafka:SecurityProtocol"] = "Plaintext",
        };
    }

    [Fact]
    public async Task Commands_reach_the_read_models_through_the_topic_and_readiness_watches_both_loops()
    {
        var id = Http.NewId();
        await host.Client.PostAsync($"/api/aggregates/account/{id}/commands/open", Http.Json(new { owner = "Kay", currency = "EUR" }));
        await host.Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Json(new { amount = 70, currency = "EUR" }));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var response = await host.Client.GetAsync($"/api/read/accounts/{id}");
            if (response.StatusCode == HttpStatusCode.OK && (await response.JsonAsync()).GetProperty("balance").GetInt64() == 70)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the balance never arrived through Kafka");
            await Task.Delay(100);
        }

        var ready = await (await host.Client.GetAsync("/api/ready")).JsonAsync();
        var loops = ready.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "projection-loops");
        Assert.Contains("2 loops", loops.GetProperty("detail").GetString());
    }
}
