namespace Serverless.EventSourcing.Infra.Tests;

/// <summary>How a CLI run is judged, on output written the way Bicep 0.49 prints it.</summary>
public sealed class BicepRunTests
{
    [Fact]
    public void A_run_with_exit_code_0_and_nothing_on_stderr_is_clean()
    {
        Assert.Empty(new BicepRun(0, "{}", string.Empty).Problems());
    }

    [Fact]
    public void Every_diagnostic_and_any_other_stderr_line_is_a_problem_even_with_exit_code_0()
    {
        var stderr = string.Join('\n',
            "/w/infra/modules/a.bicep(3,12) : Warning BCP081: Resource type \"X@2099-01-01\" does not have types available. [https://aka.ms/bicep/core-diagnostics#BCP081]",
            "/w/infra/main.bicep(1,1) : Info some-rule: Just so you know.",
            "Unhandled exception. System.IO.IOException: disk full",
            string.Empty);

        var run = new BicepRun(0, string.Empty, stderr);

        Assert.Equal(
            [
                "a.bicep(3,12) Warning BCP081: Resource type \"X@2099-01-01\" does not have types available. [https://aka.ms/bicep/core-diagnostics#BCP081]",
                "main.bicep(1,1) Info some-rule: Just so you know.",
                "Unexpected bicep output: Unhandled exception. System.IO.IOException: disk full",
            ],
            run.Problems());
        Assert.Equal(new BicepDiagnostic("/w/infra/modules/a.bicep", 3, 12, "Warning", "BCP081", run.Diagnostics[0].Message), run.Diagnostics[0]);
    }

    [Fact]
    public void A_nonzero_exit_code_is_a_problem_without_any_output()
    {
        Assert.Equal(["bicep exited with code 1."], new BicepRun(1, string.Empty, string.Empty).Problems());
    }
}
