using System.Net;
using Serverless.EventSourcing.Application.Bank.ReadModels;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>The bank's read models: balances, statements (paged by version), daily totals.</summary>
public sealed class ReadModelEndpoints(IReadModelQueries queries, TimeProvider time) : IApiEndpoints
{
    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["GetAccountBalance"] = BalanceAsync;
        handlers["GetAccountStatement"] = StatementAsync;
        handlers["GetDailyTotals"] = DailyTotalsAsync;
    }

    private async Task<ApiResponse> BalanceAsync(ApiContext context)
    {
        var rows = await queries.QueryAsync(
            $"select account_id as \"accountId\", owner, currency, balance, status, version, updated_at as \"updatedAt\" from {BalancesProjection.Table} where account_id = $1",
            context.Route("id"));
        return rows.Count == 0
            ? ApiResponse.Problem(Problem.NotFound($"No balance for account {context.Route("id")} (yet)."))
            : ApiResponse.Of(HttpStatusCode.OK, rows[0]);
    }

    private async Task<ApiResponse> StatementAsync(ApiContext context)
    {
        var limit = context.Limit();
        var rows = await queries.QueryAsync(
            $"select version, occurred_at as \"occurredAt\", kind, amount, balance_after as \"balanceAfter\", reference from {StatementProjection.Table} " +
            "where account_id = $1 and version > $2 order by version limit $3",
            context.Route("id"), context.QueryLong("afterVersion") ?? 0, limit + 1);
        long? next = rows.Count > limit ? (long)rows[limit - 1]["version"]! : null;
        return ApiResponse.Of(HttpStatusCode.OK, new { accountId = context.Route("id"), lines = rows.Take(limit), nextAfterVersion = next })
            .WithNextLink(context.Request, "afterVersion", next);
    }

    private async Task<ApiResponse> DailyTotalsAsync(ApiContext context)
    {
        var text = context.Query("date");
        var date = text is null
            ? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)
            : DateOnly.TryParseExact(text, "yyyy-MM-dd", out var parsed) ? parsed : throw new InvalidInputException("date", "must be a date like 2026-11-22");
        var rows = await queries.QueryAsync(
            $"select currency, deposited, withdrawn, movements from {DailyTotalsProjection.Table} where day = $1 order by currency", date);
        return ApiResponse.Of(HttpStatusCode.OK, new { date = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), totals = rows });
    }
}
