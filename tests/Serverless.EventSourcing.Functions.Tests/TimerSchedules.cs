using System.Text.RegularExpressions;

namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>
/// Timers run on <c>%Schedules:Name%</c> settings of local.settings.sample.json (the NCRONTAB expressions both hosts
/// read), never on a literal schedule, and never with <c>RunOnStartup</c> (it fires on every cold start and scale-out).
/// </summary>
internal static partial class TimerSchedules
{
    public static IReadOnlyList<string> FindViolations(IEnumerable<TimerTriggerFunction> timers, IReadOnlySet<string> sampleKeys)
    {
        var violations = new List<string>();
        foreach (var timer in timers)
        {
            if (timer.RunOnStartup)
            {
                violations.Add($"{timer.Location}: {timer.Name} sets RunOnStartup; it would run on every cold start and scale-out");
            }

            if (timer.Schedule is null || ScheduleSetting().Match(timer.Schedule) is not { Success: true } match)
            {
                violations.Add($"{timer.Location}: {timer.Name} runs on '{timer.Schedule}'; a timer's schedule must be a %Schedules:Name% setting");
            }
            else if (!sampleKeys.Contains($"Schedules__{match.Groups[1].Value}"))
            {
                violations.Add($"{timer.Location}: {timer.Name} runs on {timer.Schedule} but local.settings.sample.json has no Schedules__{match.Groups[1].Value}");
            }
        }

        return violations;
    }

    [GeneratedRegex(@"^%Schedules:([A-Za-z0-9]+)%$")]
    private static partial Regex ScheduleSetting();
}
