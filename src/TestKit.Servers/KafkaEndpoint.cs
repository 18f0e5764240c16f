using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Serverless.EventSourcing.TestKit.Servers;

/// <summary>
/// A Kafka-protocol endpoint for the tests: librdkafka's mock cluster (3 brokers on loopback TCP, topics auto-created
/// with 4 partitions), started in this process by a client created with <c>test.mock.num.brokers</c> and alive as long
/// as that client is. Real producers and consumer groups talk to it over Kafka's wire protocol; it is not a production
/// broker. <c>KAFKA_BOOTSTRAP_SERVERS</c> replaces it with a real broker (then outages cannot be simulated).
/// </summary>
public sealed class KafkaEndpoint : IDisposable
{
    private static readonly Lazy<Task<KafkaEndpoint>> Shared = new(() => StartAsync());

    private readonly IProducer<byte[], byte[]>? _owner;
    private readonly IntPtr _mockCluster;

    private KafkaEndpoint(string bootstrapServers, IProducer<byte[], byte[]>? owner, IntPtr mockCluster, int brokers)
    {
        BootstrapServers = bootstrapServers;
        _owner = owner;
        _mockCluster = mockCluster;
        Brokers = brokers;
    }

    public string BootstrapServers { get; }

    public int Brokers { get; }

    public bool CanSimulateOutages => _owner is not null;

    public static Task<KafkaEndpoint> GetSharedAsync() => Shared.Value;

    /// <summary>An endpoint of its own, for tests that take it down.</summary>
    public static async Task<KafkaEndpoint> StartAsync(int brokers = 3)
    {
        var configured = Environment.GetEnvironmentVariable("KAFKA_BOOTSTRAP_SERVERS");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new KafkaEndpoint(configured, null, IntPtr.Zero, 0);
        }

        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var config = new ProducerConfig(new Dictionary<string, string>
        {
            ["bootstrap.servers"] = "mock",
            ["test.mock.num.brokers"] = brokers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var owner = new ProducerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, log) =>
            {
                // "Mock cluster enabled: original bootstrap.servers and security.protocol ignored and replaced with 127.0.0.1:p1,..."
                const string Marker = "replaced with ";
                var at = log.Message.IndexOf(Marker, StringComparison.Ordinal);
                if (log.Facility == "MOCK" && at >= 0)
                {
                    address.TrySetResult(log.Message[(at + Marker.Length)..].Trim());
                }
            })
            .Build();
        var bootstrap = await address.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return new KafkaEndpoint(bootstrap, owner, MockApi.ClusterOf(owner), brokers);
    }

    /// <summary>Takes every broker down: connections are closed and refused until <see cref="BringUp"/>.</summary>
    public void TakeDown() => ForEachBroker(MockApi.SetDown);

    public void BringUp() => ForEachBroker(MockApi.SetUp);

    public void Dispose() => _owner?.Dispose();

    private void ForEachBroker(Func<IntPtr, int, int> change)
    {
        if (_owner is null)
        {
            throw new InvalidOperationException("An external broker (KAFKA_BOOTSTRAP_SERVERS) cannot be taken down by the tests.");
        }

        for (var broker = 1; broker <= Brokers; broker++)
        {
            var error = change(_mockCluster, broker);
            if (error != 0)
            {
                throw new InvalidOperationException($"librdkafka mock: changing broker {broker} failed with error {error}.");
            }
        }
    }

    /// <summary>
    /// The mock cluster's C API (rd_kafka_handle_mock_cluster, rd_kafka_mock_broker_set_down/up), which Confluent.Kafka does
    /// not wrap, called on the very librdkafka build the client loaded (it picks one of several per platform).
    /// </summary>
    private static class MockApi
    {
        private static readonly Lazy<IntPtr> Library = new(() =>
            NativeLibrary.Load(File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]).First(l => l.Contains("librdkafka", StringComparison.Ordinal))));

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr ClusterOfHandle(IntPtr client);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int ChangeBroker(IntPtr cluster, int brokerId);

        public static IntPtr ClusterOf(IProducer<byte[], byte[]> owner)
        {
            // Confluent.Kafka keeps the rd_kafka_t* in an internal SafeHandle.
            var property = typeof(Handle).GetProperty("LibrdkafkaHandle", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
                ?? throw new InvalidOperationException("Confluent.Kafka no longer exposes Handle.LibrdkafkaHandle.");
            var handle = (SafeHandle)property.GetValue(owner.Handle)!;
            var cluster = Export<ClusterOfHandle>("rd_kafka_handle_mock_cluster")(handle.DangerousGetHandle());
            return cluster != IntPtr.Zero ? cluster : throw new InvalidOperationException("The client has no mock cluster.");
        }

        public static int SetDown(IntPtr cluster, int broker) => Export<ChangeBroker>("rd_kafka_mock_broker_set_down")(cluster, broker);

        public static int SetUp(IntPtr cluster, int broker) => Export<ChangeBroker>("rd_kafka_mock_broker_set_up")(cluster, broker);

        private static T Export<T>(string name) where T : Delegate =>
            Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(Library.Value, name));
    }
}
