using System.Text;
using System.Text.Json;
using Serverless.EventSourcing.Application.Messaging;

namespace Serverless.EventSourcing.Application.Tests.Messaging;

public class KafkaEnvelopeCodecTests
{
    private static readonly EventEnvelope Deposited = new(
        EventId: Guid.Parse("0b7c6f7e-2f4a-4d47-9a43-6f0d3c2b1a99"),
        StreamId: "account-42",
        Category: "account",
        Type: "MoneyDeposited",
        StreamVersion: 7,
        GlobalPosition: 1234567890123,
        Data: """{"amount": 12.50, "note": "caf\u00e9 \"bar\"", "tags": ["a", "b"], "nested": {"x": null}}""",
        MetadataJson: """{"correlationId":"corr-1","causationId":"cause-1","userId":"u-9","schemaVersion":2,"source":"teller"}""",
        SchemaVersion: 2,
        CorrelationId: "corr-1",
        CreatedAt: new DateTimeOffset(2026, 1, 5, 10, 11, 12, TimeSpan.FromHours(2)).AddTicks(1234560));

    private static readonly EventEnvelope OpenedWithoutCorrelation = Deposited with
    {
        EventId = Guid.Parse("5d1f0c1e-7a00-4f7e-8a55-000000000001"),
        StreamId = "account-7",
        Type = "AccountOpened",
        StreamVersion = 1,
        GlobalPosition = 3,
        Data = """{"owner":"Ada"}""",
        MetadataJson = "{}",
        SchemaVersion = 1,
        CorrelationId = null,
        CreatedAt = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Given_an_envelope_when_encoded_and_decoded_then_it_equals_the_original()
    {
        var message = KafkaEnvelopeCodec.Encode(Deposited);

        var decoded = KafkaEnvelopeCodec.Decode(message.Value);

        Assert.Equal(Deposited, decoded);
        Assert.Equal(Deposited.Data, decoded.Data);
        Assert.Equal(Deposited.CreatedAt.Offset, decoded.CreatedAt.Offset);
    }

    [Fact]
    public void Given_an_envelope_without_correlation_id_when_round_tripped_then_it_equals_the_original()
    {
        var decoded = KafkaEnvelopeCodec.Decode(KafkaEnvelopeCodec.Encode(OpenedWithoutCorrelation).Value);

        Assert.Equal(OpenedWithoutCorrelation, decoded);
        Assert.Null(decoded.CorrelationId);
    }

    [Fact]
    public void Given_an_envelope_when_encoded_then_the_key_is_the_stream_id()
    {
        var message = KafkaEnvelopeCodec.Encode(Deposited);

        Assert.Equal("account-42", message.Key);
    }

    [Fact]
    public void Given_an_envelope_when_encoded_then_the_value_embeds_data_and_metadata_as_json_values()
    {
        var message = KafkaEnvelopeCodec.Encode(Deposited);

        using var value = JsonDocument.Parse(message.Value);
        var root = value.RootElement;
        Assert.Equal(
            ["eventId", "streamId", "category", "type", "streamVersion", "globalPosition", "data", "metadata", "schemaVersion", "correlationId", "createdAt"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Object, root.GetProperty("data").ValueKind);
        Assert.Equal(12.50m, root.GetProperty("data").GetProperty("amount").GetDecimal());
        Assert.Equal("teller", root.GetProperty("metadata").GetProperty("source").GetString());
        Assert.Equal(1234567890123, root.GetProperty("globalPosition").GetInt64());
        Assert.Equal("0b7c6f7e-2f4a-4d47-9a43-6f0d3c2b1a99", root.GetProperty("eventId").GetString());
    }

    [Fact]
    public void Given_an_envelope_with_correlation_id_when_encoded_then_headers_carry_type_event_id_and_correlation_id()
    {
        var message = KafkaEnvelopeCodec.Encode(Deposited);

        Assert.Equal(3, message.Headers.Count);
        Assert.Equal("MoneyDeposited", message.Headers[KafkaEnvelopeCodec.TypeHeader]);
        Assert.Equal("0b7c6f7e-2f4a-4d47-9a43-6f0d3c2b1a99", message.Headers[KafkaEnvelopeCodec.EventIdHeader]);
        Assert.Equal("corr-1", message.Headers[KafkaEnvelopeCodec.CorrelationIdHeader]);
        Assert.Equal(["es-correlation-id", "es-event-id", "es-type"], message.Headers.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Given_an_envelope_without_correlation_id_when_encoded_then_there_is_no_correlation_header()
    {
        var message = KafkaEnvelopeCodec.Encode(OpenedWithoutCorrelation);

        Assert.False(message.Headers.ContainsKey(KafkaEnvelopeCodec.CorrelationIdHeader));
        Assert.Equal("AccountOpened", message.Headers[KafkaEnvelopeCodec.TypeHeader]);
        Assert.DoesNotContain("correlationId", message.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_trigger_batch_of_kafka_event_data_when_decoded_then_the_envelopes_come_back_in_order()
    {
        var batch = new[]
        {
            KafkaEventData(Deposited, partition: 3, offset: 41),
            KafkaEventData(OpenedWithoutCorrelation, partition: 0, offset: 7, newerHostMetadata: true),
        };

        var envelopes = KafkaEnvelopeCodec.DecodeTriggerBatch(batch);

        Assert.Equal([Deposited, OpenedWithoutCorrelation], envelopes);
    }

    [Fact]
    public void Given_bare_envelope_values_when_a_trigger_batch_is_decoded_then_they_are_accepted()
    {
        var batch = new[] { KafkaEnvelopeCodec.Encode(Deposited).Value, KafkaEventData(OpenedWithoutCorrelation, partition: 1, offset: 2) };

        var envelopes = KafkaEnvelopeCodec.DecodeTriggerBatch(batch);

        Assert.Equal([Deposited, OpenedWithoutCorrelation], envelopes);
    }

    [Fact]
    public void Given_an_empty_trigger_batch_when_decoded_then_it_is_empty()
    {
        Assert.Empty(KafkaEnvelopeCodec.DecodeTriggerBatch([]));
    }

    [Theory]
    [InlineData("not json", "partition 5, offset 99", "invalid JSON")]
    [InlineData("""{"eventId":"0b7c6f7e-2f4a-4d47-9a43-6f0d3c2b1a99"}""", "partition 5, offset 99", "field 'streamId' is missing")]
    [InlineData("""{"hello":"world"}""", "topic es-events, partition 5, offset 99", "field 'eventId' is missing")]
    [InlineData("[1,2,3]", "partition 5, offset 99", "not Array")]
    public void Given_a_poison_value_when_a_trigger_batch_is_decoded_then_it_throws_naming_partition_and_offset(string value, string where, string reason)
    {
        var batch = new[] { KafkaEventData(Deposited, partition: 3, offset: 41), KafkaEventData(value, key: "account-1", partition: 5, offset: 99) };

        var error = Assert.Throws<FormatException>(() => KafkaEnvelopeCodec.DecodeTriggerBatch(batch));

        Assert.StartsWith("Kafka message 1 of the batch (", error.Message, StringComparison.Ordinal);
        Assert.Contains(where, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "the message is empty")]
    [InlineData("   ", "the message is empty")]
    [InlineData("{not json", "is not an event envelope")]
    [InlineData("""{"Offset":1,"Partition":0,"Value":null}""", "its Value is Null")]
    [InlineData("42", "not Number")]
    public void Given_a_malformed_trigger_entry_when_decoded_then_it_throws_naming_its_index(string entry, string reason)
    {
        var batch = new[] { KafkaEventData(Deposited, partition: 0, offset: 1), entry };

        var error = Assert.Throws<FormatException>(() => KafkaEnvelopeCodec.DecodeTriggerBatch(batch));

        Assert.StartsWith("Kafka message 1 of the batch", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("streamVersion", "\"7\"", "field 'streamVersion' is String, expected Number")]
    [InlineData("streamVersion", "7.5", "field 'streamVersion' has an invalid value 7.5")]
    [InlineData("eventId", "\"not-a-guid\"", "field 'eventId' has an invalid value")]
    [InlineData("createdAt", "\"yesterday\"", "field 'createdAt' has an invalid value")]
    [InlineData("correlationId", "17", "field 'correlationId' is Number, expected String")]
    public void Given_a_value_with_a_wrong_field_when_decoded_then_it_throws_naming_the_field(string field, string json, string expected)
    {
        var value = Replace(KafkaEnvelopeCodec.Encode(Deposited).Value, field, json);

        var error = Assert.Throws<FormatException>(() => KafkaEnvelopeCodec.Decode(value));

        Assert.StartsWith("Not an event envelope: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_envelope_whose_data_is_not_json_when_encoded_then_it_throws()
    {
        var broken = Deposited with { Data = "{\"amount\":" };

        var error = Assert.Throws<FormatException>(() => KafkaEnvelopeCodec.Encode(broken));

        Assert.StartsWith("Event 0b7c6f7e-2f4a-4d47-9a43-6f0d3c2b1a99 (account-42 version 7) has data that is not one JSON value", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// What the Kafka extension hands a batched <c>string[]</c> trigger parameter per record: Newtonsoft's
    /// serialization of KafkaEventData, PascalCase, the value as a JSON string, header values as base64 bytes.
    /// </summary>
    private static string KafkaEventData(EventEnvelope envelope, int partition, long offset, bool newerHostMetadata = false)
    {
        var message = KafkaEnvelopeCodec.Encode(envelope);
        return KafkaEventData(message.Value, message.Key, partition, offset, message.Headers, newerHostMetadata);
    }

    private static string KafkaEventData(
        string value, string key, int partition, long offset, IReadOnlyDictionary<string, string>? headers = null, bool newerHostMetadata = false)
    {
        var record = new Dictionary<string, object?>
        {
            ["Offset"] = offset,
            ["Partition"] = partition,
            ["Topic"] = "es-events",
            ["Timestamp"] = "2026-01-05T10:11:12.345Z",
            ["Key"] = key,
            ["Value"] = value,
            ["Headers"] = (headers ?? new Dictionary<string, string>())
                .Select(h => new { Key = h.Key, Value = Convert.ToBase64String(Encoding.UTF8.GetBytes(h.Value)) })
                .ToArray(),
        };
        if (newerHostMetadata)
        {
            record["LeaderEpoch"] = 4;
            record["IsPartitionEOF"] = false;
        }

        return JsonSerializer.Serialize(record);
    }

    private static string Replace(string envelopeJson, string field, string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(envelopeJson)!.AsObject();
        node[field] = System.Text.Json.Nodes.JsonNode.Parse(json);
        return node.ToJsonString();
    }
}
