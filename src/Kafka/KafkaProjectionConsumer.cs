using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Application.Messaging;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Kafka;

/// <summary>
/// A member of the projections' consumer group: consumes batches from the events topic, hands each to
/// <see cref="KafkaBatchHandler"/> (what the Functions trigger runs), and commits the batch's offsets only after it was
/// applied. A batch that fails is not committed: the consumer rewinds to its start and tries again after a backoff.
/// Killed mid-batch, the batch comes again to whoever owns the partition next; the dispatcher skips what was applied.
/// </summary>
public sealed class KafkaProjectionConsumer(KafkaSettings settings, KafkaBatchHandler handler, ILogger<KafkaProjectionConsumer> logger)
{
    public int MaxBatch { get; init; } = 500;

    /// <summary>Raised after every poll, with the error of a failed batch (for health and heartbeats).</summary>
    public event Action<string?>? Beat;

    /// <summary>Raised after a batch was applied and committed, with its size.</summary>
    public event Action<int>? Applied;

    /// <summary>
    /// Runs until <paramref name="ct"/> is cancelled, on a thread of its own (Consume blocks). A consumer that fails for
    /// good (a fatal client error) is replaced by a new one after a pause; nothing it did not commit is lost.
    /// </summary>
    public Task RunAsync(CancellationToken ct) => Task.Factory.StartNew(() => RunUntilStoppedAsync(ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task RunUntilStoppedAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Run(ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                logger.LogError(ex, "Kafka consumer failed; starting a new one");
                Beat?.Invoke(ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task Run(CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<string?, string?>(settings.Consumer())
            .SetErrorHandler((_, error) => logger.LogWarning("Kafka consumer error: {Reason}", error.Reason))
            .Build();
        consumer.Subscribe(settings.Topic);
        var failures = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                List<ConsumeResult<string?, string?>> batch;
                try
                {
                    batch = Poll(consumer, ct);
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    // The topic not there yet, a broker away: report and poll again; nothing was taken.
                    logger.LogWarning("Kafka consume failed: {Reason}", ex.Error.Reason);
                    Beat?.Invoke(ex.Error.Reason);
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                    continue;
                }

                if (batch.Count == 0)
                {
                    Beat?.Invoke(null);
                    continue;
                }

                try
                {
                    await handler.HandleAsync([.. batch.Select(KafkaEventData.ToJson)], ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    failures++;
                    logger.LogError(ex, "Kafka batch of {Count} failed ({Failures} in a row); it will be delivered again", batch.Count, failures);
                    Beat?.Invoke(ex.Message);
                    Rewind(consumer, batch);
                    await Task.Delay(LoopBackoff.After(failures), ct);
                    continue;
                }

                failures = 0;
                try
                {
                    consumer.Commit(batch.GroupBy(r => r.TopicPartition).Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Offset.Value) + 1)));
                }
                catch (KafkaException ex) when (!ex.Error.IsFatal)
                {
                    // A rebalance took the partitions meanwhile: whoever owns them now gets the batch again, and the
                    // dispatcher skips what this consumer already applied.
                    logger.LogWarning("Kafka commit after a batch of {Count} failed ({Reason}); the batch will be delivered again", batch.Count, ex.Error.Reason);
                }

                Applied?.Invoke(batch.Count);
                Beat?.Invoke(null);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            // Leaves the group at once so its partitions move to the others; uncommitted work is delivered again.
            consumer.Close();
        }
    }

    /// <summary>Waits for one record, then takes whatever else is already fetched, up to <see cref="MaxBatch"/>.</summary>
    private List<ConsumeResult<string?, string?>> Poll(IConsumer<string?, string?> consumer, CancellationToken ct)
    {
        var batch = new List<ConsumeResult<string?, string?>>();
        if (consumer.Consume(TimeSpan.FromMilliseconds(250)) is not { } first)
        {
            ct.ThrowIfCancellationRequested();
            return batch;
        }

        batch.Add(first);
        while (batch.Count < MaxBatch && consumer.Consume(TimeSpan.Zero) is { } next)
        {
            batch.Add(next);
        }

        return batch;
    }

    private static void Rewind(IConsumer<string?, string?> consumer, List<ConsumeResult<string?, string?>> batch)
    {
        foreach (var partition in batch.GroupBy(r => r.TopicPartition))
        {
            consumer.Seek(new TopicPartitionOffset(partition.Key, partition.Min(r => r.Offset.Value)));
        }
    }
}
