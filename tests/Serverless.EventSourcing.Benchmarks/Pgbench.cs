using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Serverless.EventSourcing.Benchmarks;

/// <summary>
/// pgbench (it ships with the PostgreSQL client) inserting one row of the event store's shape per transaction, into a
/// table with the event store's unique indexes, on the benchmark's own cluster: what PostgreSQL itself can do here.
/// </summary>
public static class Pgbench
{
    private const string Script = """
        insert into pgb_events (event_id, stream_id, stream_version, category, event_type, schema_version, data, metadata, correlation_id, created_at)
        values (gen_random_uuid(), 'bench-' || gen_random_uuid(), 1, 'bench', 'Deposited', 1,
                '{"amount":1250,"currency":"EUR","reference":"benchmark"}', '{"correlationId":"x","schemaVersion":1}', gen_random_uuid()::text, clock_timestamp());
        """;

    /// <returns>Transactions per second and the 99th percentile latency in ms.</returns>
    public static async Task<(double PerSecond, double P99Ms)> RunAsync(BenchmarkDatabase db, int clients, TimeSpan duration)
    {
        await db.ExecuteAsync("""
            drop table if exists pgb_events;
            create table pgb_events (
                global_position bigint generated always as identity primary key,
                tx_id xid8 not null default pg_current_xact_id(),
                event_id uuid not null, stream_id text not null, stream_version bigint not null,
                category text not null, event_type text not null, schema_version int not null,
                data json not null, metadata json not null, correlation_id text, created_at timestamptz not null,
                unique (stream_id, stream_version), unique (event_id));
            create index on pgb_events (tx_id, global_position);
            create index on pgb_events (category, global_position);
            create index on pgb_events (event_type, global_position);
            create index on pgb_events (correlation_id, global_position) where correlation_id is not null;
            """);
        var directory = Directory.CreateTempSubdirectory("pgbench-");
        try
        {
            var scriptPath = Path.Combine(directory.FullName, "append.sql");
            await File.WriteAllTextAsync(scriptPath, Script);
            var cs = new NpgsqlConnectionStringBuilder(db.ConnectionString);
            var info = new ProcessStartInfo(Executable(), [
                "-n", "-f", scriptPath, "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", Math.Min(clients, 4).ToString(CultureInfo.InvariantCulture),
                "-T", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), "--log", "--log-prefix", Path.Combine(directory.FullName, "tx"),
                "-h", cs.Host!, "-p", cs.Port.ToString(CultureInfo.InvariantCulture), "-U", cs.Username!, cs.Database!,
            ])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = directory.FullName,
            };
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {errors}{output}");
            }

            // Per-transaction log lines: client_id transaction_no time_us script_no epoch epoch_us.
            var latencies = new Latencies();
            var count = 0;
            foreach (var file in directory.EnumerateFiles("tx*"))
            {
                foreach (var line in await File.ReadAllLinesAsync(file.FullName))
                {
                    latencies.Add(long.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture) / 1000.0);
                    count++;
                }
            }

            return (Math.Round(count / duration.TotalSeconds, 1), latencies.Percentile(99));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Executable() =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")) : [])
            .Select(d => Path.Combine(d, "pgbench")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("pgbench is not installed (it ships with the PostgreSQL client).");
}
