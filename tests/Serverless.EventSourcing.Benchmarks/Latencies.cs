using System.Diagnostics;

namespace Serverless.EventSourcing.Benchmarks;

/// <summary>Collects per-operation latencies from many threads and reports percentiles.</summary>
public sealed class Latencies
{
    private readonly List<double> _ms = [];
    private readonly Lock _gate = new();

    public int Count => _ms.Count;

    public async Task<T> TimeAsync<T>(Func<Task<T>> operation)
    {
        var start = Stopwatch.GetTimestamp();
        var result = await operation();
        Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return result;
    }

    public void Add(double ms)
    {
        lock (_gate)
        {
            _ms.Add(ms);
        }
    }

    /// <summary>Takes in every latency of <paramref name="other"/> (runs measured apart, reported together).</summary>
    public void Add(Latencies other)
    {
        ArgumentNullException.ThrowIfNull(other);
        double[] copied;
        lock (other._gate)
        {
            copied = [.. other._ms];
        }

        lock (_gate)
        {
            _ms.AddRange(copied);
        }
    }

    public double Percentile(double p)
    {
        lock (_gate)
        {
            if (_ms.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _ms.Order().ToArray();
            var index = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
            return Math.Round(sorted[Math.Clamp(index, 0, sorted.Length - 1)], 3);
        }
    }

    /// <summary>Runs <paramref name="workers"/> loops of <paramref name="perWorker"/> operations and returns operations per second.</summary>
    public static async Task<double> RunAsync(int workers, int perWorker, Func<int, int, Task> operation)
    {
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWorker; i++)
            {
                await operation(w, i);
            }
        })));
        return Math.Round(workers * perWorker / Stopwatch.GetElapsedTime(start).TotalSeconds, 1);
    }
}
