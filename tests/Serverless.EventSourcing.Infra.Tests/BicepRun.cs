using System.Text.RegularExpressions;

namespace Serverless.EventSourcing.Infra.Tests;

/// <summary>One diagnostic the Bicep CLI printed: <c>file(line,column) : Level CODE: message</c>.</summary>
internal sealed record BicepDiagnostic(string File, int Line, int Column, string Level, string Code, string Message)
{
    public override string ToString() => $"{Path.GetFileName(File)}({Line},{Column}) {Level} {Code}: {Message}";
}

/// <summary>
/// What one Bicep CLI command did. <see cref="Problems"/> is the verdict: the CLI exits 0 on warnings,
/// so the exit code alone would pass a template the linter complained about.
/// </summary>
internal sealed partial record BicepRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The diagnostics on stderr, whatever their level (Error, Warning or Info).</summary>
    public IReadOnlyList<BicepDiagnostic> Diagnostics => ErrorLines()
        .Select(line => DiagnosticLine().Match(line))
        .Where(match => match.Success)
        .Select(match => new BicepDiagnostic(
            match.Groups["file"].Value,
            int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(match.Groups["column"].Value, System.Globalization.CultureInfo.InvariantCulture),
            match.Groups["level"].Value,
            match.Groups["code"].Value,
            match.Groups["message"].Value))
        .ToList();

    /// <summary>
    /// Why the run is not clean, as sentences; empty means clean. A non-zero exit code, every diagnostic
    /// (a warning is a failure) and any other stderr line (a crash, a message of a kind not known here).
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (ExitCode != 0)
        {
            problems.Add($"bicep exited with code {ExitCode}.");
        }

        problems.AddRange(Diagnostics.Select(d => d.ToString()));
        problems.AddRange(ErrorLines()
            .Where(line => !DiagnosticLine().IsMatch(line))
            .Select(line => $"Unexpected bicep output: {line}"));
        return problems;
    }

    private IEnumerable<string> ErrorLines() =>
        StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex(@"^(?<file>.+)\((?<line>\d+),(?<column>\d+)\) : (?<level>Error|Warning|Info) (?<code>[^\s:]+): (?<message>.*)$")]
    private static partial Regex DiagnosticLine();
}
