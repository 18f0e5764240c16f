using System.Text;
using Npgsql;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.EventStore;

public sealed partial class PostgresEventStore
{
    public async Task<QueryPage> QueryAsync(EventQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit < 1 || query.Limit > EventQuery.MaxLimit)
        {
            throw new InvalidInputException("limit", $"limit must be between 1 and {EventQuery.MaxLimit}");
        }

        if (query.AfterPosition < 0)
        {
            throw new InvalidInputException("afterPosition", "afterPosition must be 0 or more");
        }

        if (query.From is { } from && query.To is { } to && from > to)
        {
            throw new InvalidInputException("to", "'to' must not be before 'from'");
        }

        await using var command = dataSource.CreateCommand();
        var sql = new StringBuilder($"select {EnvelopeColumns} from es_events where global_position > $1");
        command.Parameters.AddWithValue(query.AfterPosition);
        void Where(string condition, object value)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
            sql.Append(" and ").Append(condition.Replace("?", "$" + command.Parameters.Count, StringComparison.Ordinal));
        }

        if (query.StreamId is not null)
        {
            Where("stream_id = ?", query.StreamId);
        }

        if (query.Category is not null)
        {
            Where("category = ?", query.Category);
        }

        if (query.EventTypes is { Count: > 0 } types)
        {
            Where("event_type = any(?)", types.ToArray());
        }

        if (query.CorrelationId is not null)
        {
            Where("correlation_id = ?", query.CorrelationId);
        }

        if (query.Principal is not null)
        {
            Where("principal = ?", query.Principal);
        }

        if (query.Visible is { } visible)
        {
            AddVisibility(visible, command.Parameters, sql);
        }

        if (query.From is { } f)
        {
            Where("created_at >= ?", f);
        }

        if (query.To is { } t)
        {
            Where("created_at <= ?", t);
        }

        if (query.FromVersion is { } fv)
        {
            Where("stream_version >= ?", fv);
        }

        if (query.ToVersion is { } tv)
        {
            Where("stream_version <= ?", tv);
        }

        command.Parameters.AddWithValue(query.Limit + 1);
        sql.Append(" order by global_position limit $").Append(command.Parameters.Count);
        command.CommandText = sql.ToString();

        var events = await ReadEnvelopesAsync(command, ct);
        long? next = null;
        if (events.Count > query.Limit)
        {
            events.RemoveAt(query.Limit);
            next = events[^1].GlobalPosition;
        }

        return new QueryPage(events, next);
    }

    /// <summary>
    /// Only events the reader may see: listed categories with every type, listed categories with some types, and (with a
    /// grant on every category) the categories not listed, minus those such a grant never reaches.
    /// </summary>
    private static void AddVisibility(Visibility visible, NpgsqlParameterCollection parameters, StringBuilder sql)
    {
        string Param(object value, NpgsqlTypes.NpgsqlDbType type)
        {
            parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return "$" + parameters.Count;
        }

        const NpgsqlTypes.NpgsqlDbType TextArray = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text;
        var whole = visible.Listed.Where(c => c.Value is null).Select(c => c.Key).ToArray();
        var pairs = visible.Listed.Where(c => c.Value is not null).SelectMany(c => c.Value!.Select(t => (c.Key, Type: t))).ToArray();
        sql.Append(" and (category = any(").Append(Param(whole, TextArray)).Append(')');
        if (pairs.Length > 0)
        {
            sql.Append(" or (category, event_type) in (select * from unnest(")
                .Append(Param(pairs.Select(p => p.Key).ToArray(), TextArray)).Append(", ")
                .Append(Param(pairs.Select(p => p.Type).ToArray(), TextArray)).Append("))");
        }

        if (visible.Others)
        {
            sql.Append(" or (category <> all(").Append(Param(visible.Listed.Keys.Concat(visible.NotOthers).ToArray(), TextArray)).Append(')');
            if (visible.OtherTypes is { } types)
            {
                sql.Append(" and event_type = any(").Append(Param(types.ToArray(), TextArray)).Append(')');
            }

            sql.Append(')');
        }

        sql.Append(')');
    }
}
