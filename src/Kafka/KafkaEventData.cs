using System.Text.Json;
using Confluent.Kafka;

namespace Serverless.EventSourcing.Kafka;

/// <summary>
/// A consumed record in the JSON shape the Functions Kafka extension hands a batched <c>string[]</c> trigger
/// (<c>KafkaEventData</c>: Offset, Partition, Topic, Timestamp, Key, Value, Headers with base64 values), so the local
/// consumer and the trigger feed <see cref="Application.Messaging.KafkaBatchHandler"/> the very same input.
/// </summary>
public static class KafkaEventData
{
    public static string ToJson(ConsumeResult<string?, string?> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("Offset", record.Offset.Value);
            writer.WriteNumber("Partition", record.Partition.Value);
            writer.WriteString("Topic", record.Topic);
            writer.WriteString("Timestamp", record.Message.Timestamp.UtcDateTime);
            writer.WriteString("Key", record.Message.Key);
            writer.WriteString("Value", record.Message.Value);
            writer.WriteStartArray("Headers");
            foreach (var header in record.Message.Headers ?? [])
            {
                writer.WriteStartObject();
                writer.WriteString("Key", header.Key);
                writer.WriteBase64String("Value", header.GetValueBytes());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
