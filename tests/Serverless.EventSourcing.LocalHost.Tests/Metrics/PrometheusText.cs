using System.Globalization;
using System.Text.RegularExpressions;

namespace Serverless.EventSourcing.LocalHost.Tests.Metrics;

/// <summary>A scrape of the Prometheus text format: samples by metric name and labels.</summary>
public sealed partial class PrometheusText(IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Labels, double Value)> samples)
{
    public static async Task<PrometheusText> ScrapeAsync(HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var samples = new List<(string, IReadOnlyDictionary<string, string>, double)>();
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
        {
            var match = Sample().Match(line);
            if (match.Success)
            {
                var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
                samples.Add((match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
            }
        }

        return new PrometheusText(samples);
    }

    /// <summary>The sum of a metric's samples whose labels include the given ones (0 when there are none yet).</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Sum(s => s.Value);

    public IEnumerable<(IReadOnlyDictionary<string, string> Labels, double Value)> All(string name) =>
        samples.Where(s => s.Name == name).Select(s => (s.Labels, s.Value));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})?\s+(?<value>[-+0-9.eE]+|NaN|\+Inf|-Inf)(\s+\d+)?\s*$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
