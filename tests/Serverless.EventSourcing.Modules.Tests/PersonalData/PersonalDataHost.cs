using Microsoft.Extensions.DependencyInjection;
using Confluent.Kafka;
using Serverless.EventSourcing.Modules.Tests.Orders;
using Serverless.EventSourcing.Samples.Bank;
using StackExchange.Redis;

namespace Serverless.EventSourcing.Modules.Tests.PersonalData;

/// <summary>
/// The bank and the order domain on one local host, projections fed through the Kafka-protocol endpoint (as on Azure),
/// snapshots cached in Redis: every place personal data could end up, searchable by the tests.
/// </summary>
public sealed class PersonalDataHost : OrdersHost
{
    public string Topic { get; } = "pd-" + Guid.NewGuid().ToString("N")[..8];

    public string Bootstrap { get; private set; } = "";

    public string Redis { get; private set; } = "";

    public string ArchiveConnectionString { get; private set; } = "";

    public string ArchiveContainer { get; } = "pd-archive-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Runs the archive job now (its schedule would wait for the night).</summary>
    public async Task ArchiveAsync()
    {
        var run = await Services.GetRequiredService<Application.Jobs.MaintenanceJobs>().RunArchiveJobAsync(default);
        Assert.Equal("completed", run.Status);
        Assert.True(run.Counts["eventsArchived"] > 0);
    }

    /// <summary>Every blob of the archive, decompressed when it is a segment, as text.</summary>
    public async Task<List<string>> ArchiveContentsAsync()
    {
        var container = new Azure.Storage.Blobs.BlobContainerClient(ArchiveConnectionString, ArchiveContainer);
        var contents = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, null, default))
        {
            var bytes = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
            if (blob.Name.EndsWith(".gz", StringComparison.Ordinal))
            {
                using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
                using var reader = new StreamReader(gzip);
                contents.Add(blob.Name + " " + await reader.ReadToEndAsync());
            }
            else
            {
                contents.Add(blob.Name + " " + Encoding.UTF8.GetString(bytes));
            }
        }

        return contents;
    }

    protected override IReadOnlyList<Application.Modules.IDomainModule> Modules => [new BankModule(), new OrderModule()];

    protected override async Task<IDictionary<string, string?>> ExtraSettingsAsync()
    {
        Bootstrap = (await KafkaEndpoint.GetSharedAsync()).BootstrapServers;
        Redis = (await RedisServer.GetSharedAsync()).ConnectionString;
        ArchiveConnectionString = (await AzuriteServer.GetSharedAsync()).ConnectionString;
        return new Dictionary<string, string?>
        {
            ["Projections:Delivery"] = "kafka",
            ["Kafka:BootstrapServers"] = Bootstrap,
            ["Kafka:EventsTopic"] = Topic,
            ["Kafka:ConsumerGroup"] = "pd-" + Guid.NewGuid().ToString("N")[..8],
            ["Kafka:SecurityProtocol"] = "Plaintext",
            ["Snapshots:EveryEvents"] = "2",
            // Accounts go to the archive whenever a test runs the job: the archive is one more copy to search.
            ["Archive:ConnectionString"] = ArchiveConnectionString,
            ["Archive:Container"] = ArchiveContainer,
            ["Archive:Categories"] = "account",
            ["Archive:AfterDays"] = "0",
        };
    }

    /// <summary>Every message on the events topic, as text (key and value), read from the beginning.</summary>
    public List<string> TopicMessages()
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = Bootstrap,
            GroupId = "search-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(Topic);
        var messages = new List<string>();
        var quietSince = DateTime.UtcNow;
        while (DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(messages.Count == 0 ? 15 : 3))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(250)) is { Message: { } message })
            {
                messages.Add(Encoding.UTF8.GetString(message.Key ?? []) + " " + Encoding.UTF8.GetString(message.Value ?? []));
                quietSince = DateTime.UtcNow;
            }
        }

        consumer.Close();
        return messages;
    }

    /// <summary>Every key and string value in Redis (the snapshot cache), as text.</summary>
    public async Task<List<string>> RedisContentsAsync()
    {
        // A generous timeout: SCAN on a busy 2-core machine once took longer than the default second.
        var options = ConfigurationOptions.Parse(Redis);
        options.SyncTimeout = 15_000;
        options.AsyncTimeout = 15_000;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var contents = new List<string>();
        foreach (var endpoint in redis.GetEndPoints())
        {
            foreach (var key in redis.GetServer(endpoint).Keys(pattern: "*"))
            {
                contents.Add($"{key} {await redis.GetDatabase().StringGetAsync(key)}");
            }
        }

        return contents;
    }

    /// <summary>A count (or any bigint) from the test database, on its own connection.</summary>
    public async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.AddWithValue(p);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }
}
