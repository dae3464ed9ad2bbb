using Docker.DotNet.Models;
using Nulecule.Docker.Internal;
using Shouldly;
using Xunit;

namespace Nulecule.Docker.Tests;

/// <summary>Reports of a live container carry no clock, so two reads a second apart agree (JSON and YAML, a table and JSON).</summary>
public class StatusRowsTests
{
    [Theory]
    [InlineData("Up 12 seconds", null)]
    [InlineData("Up 5 minutes (healthy)", null)]
    [InlineData("Exited (0) 3 minutes ago", "Exited (0)")]
    [InlineData("Exited (137) About an hour ago", "Exited (137)")]
    [InlineData("Restarting (1) 2 seconds ago", "Restarting (1)")]
    [InlineData("Created", "Created")]
    [InlineData("Dead", "Dead")]
    [InlineData("", null)]
    public void Status_message_drops_the_engines_relative_time(string status, string? expected) =>
        StatusRows.MessageOf(status).ShouldBe(expected);

    [Theory]
    [InlineData("running", "Up 12 seconds", "running")]
    [InlineData("running", "Up 12 seconds (healthy)", "running (healthy)")]
    [InlineData("running", "Up 2 seconds (health: starting)", "running (starting)")]
    [InlineData("exited", "Exited (1) 5 minutes ago", "exited (1)")]
    [InlineData("created", "Created", "created")]
    public void Ps_state_is_the_engines_word_with_health_or_exit_code(string state, string status, string expected) =>
        StatusRows.StateOf(new ContainerListResponse { State = state, Status = status }).ShouldBe(expected);
}
