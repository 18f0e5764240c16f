using System.Globalization;
using System.Text;

namespace Serverless.EventSourcing.Benchmarks;

/// <summary>
/// What the server's backends were doing during a run (<c>--wait-events</c>): pg_wait_sampling's profile of every
/// backend serving this database, sampled every 10 ms (CPU when not waiting; idle connections waiting for their client
/// are left out), and pg_stat_statements' statements by total time.
/// </summary>
public static class WaitProfile
{
    public const string ServerSettings =
        " -c shared_preload_libraries=pg_wait_sampling,pg_stat_statements -c pg_wait_sampling.profile_period=10 -c pg_stat_statements.track=all -c pg_stat_statements.track_planning=on";

    public static async Task ResetAsync(BenchmarkDatabase db)
    {
        await db.ExecuteAsync("create extension if not exists pg_wait_sampling; create extension if not exists pg_stat_statements");
        await db.ExecuteAsync("select pg_wait_sampling_reset_profile(); select pg_stat_statements_reset()");
    }

    /// <returns>"CPU 41%, LWLock:WALWrite 22%, … | es_append_batch 1.9 ms × 4,100; …", then any statement planned on every call, for the note.</returns>
    public static async Task<string> ReadAsync(BenchmarkDatabase db)
    {
        var text = new StringBuilder();
        await using (var waits = db.DataSource.CreateCommand("""
            with samples as (
                select coalesce(p.event_type || ':' || p.event, 'CPU') as wait, sum(p.count) as n
                from pg_wait_sampling_profile p join pg_stat_activity a on a.pid = p.pid
                where a.datname = current_database() and coalesce(p.event, '') <> 'ClientRead'
                group by 1)
            select wait, round(100.0 * n / sum(n) over (), 1) from samples order by n desc limit 6
            """))
        await using (var reader = await waits.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                text.Append(CultureInfo.InvariantCulture, $"{reader.GetString(0)} {reader.GetDecimal(1)}%, ");
            }
        }

        text.Append("| ");
        await using (var statements = db.DataSource.CreateCommand("""
            select left(regexp_replace(query, '\s+', ' ', 'g'), 60), round(mean_exec_time::numeric, 2), calls
            from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
            order by total_exec_time desc limit 3
            """))
        await using (var reader = await statements.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                text.Append(CultureInfo.InvariantCulture, $"{reader.GetString(0)}: {reader.GetDecimal(1)} ms × {reader.GetInt64(2)}; ");
            }
        }

        // Statements planned about as often as they run have lost their cached plans (how migration 0018's were found).
        await using (var replanned = db.DataSource.CreateCommand("""
            select left(regexp_replace(query, '\s+', ' ', 'g'), 60), round((total_plan_time / plans)::numeric * 1000), plans
            from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
              and calls >= 100 and plans > calls / 2
            order by total_plan_time desc limit 3
            """))
        await using (var reader = await replanned.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                text.Append(CultureInfo.InvariantCulture, $"planned on every call: {reader.GetString(0)}: {reader.GetDecimal(1)} µs × {reader.GetInt64(2)}; ");
            }
        }

        return text.ToString().TrimEnd(' ', ';', ',');
    }
}
