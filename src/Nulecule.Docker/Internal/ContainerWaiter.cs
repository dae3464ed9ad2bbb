using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Planning;
using Nulecule.Providers;
using Nulecule.Templating;

namespace Nulecule.Docker.Internal;

/// <summary>How far a started container must get before the next step.</summary>
internal enum Readiness
{
    /// <summary>Running without a restart for the settle time (or exited 0): the process started.</summary>
    Started,

    /// <summary>Started, and healthy when it has a health check (`--wait`).</summary>
    Ready,

    /// <summary>Exited with code 0 (compose's `service_completed_successfully`).</summary>
    Completed,
}

/// <summary>
/// Watches a started container until it is started or ready, or says why it is not, with its last
/// log lines; reports how far it is (<see cref="ProgressState.Waiting"/>) each time that changes.
/// </summary>
internal sealed class ContainerWaiter(IDockerClient client, TimeSpan pollInterval, TimeSpan settleTime, SecretMasker masker, IReporter? reporter = null)
{
    private const int LogLinesOnFailure = 20;

    /// <summary>
    /// Waits until the container <paramref name="name"/> (the planned <paramref name="container"/>,
    /// possibly under a transient name) runs, is healthy when <paramref name="readiness"/> asks for it
    /// and the container has a health check, and stays so for the settle time. A container that
    /// exits 0 has completed; any other exit, a restart or an unhealthy check fails.
    /// </summary>
    public async Task WaitAsync(PlannedContainer container, string name, Readiness readiness, DateTimeOffset deadline, TimeSpan timeout, CancellationToken cancellationToken)
    {
        DateTimeOffset? readySince = null;
        var lastState = "created";
        while (true)
        {
            ContainerInspectResponse inspect;
            try
            {
                inspect = await client.Containers.InspectContainerAsync(name, cancellationToken);
            }
            catch (DockerContainerNotFoundException)
            {
                throw new OperationFailedException($"component {container.Component}: container {name} exited and was removed (--rm) before it was ready");
            }

            var state = inspect.State ?? new State();
            var health = state.Health?.Status;
            lastState = state.Status + (string.IsNullOrEmpty(health) ? "" : $", health {health}");
            if (!state.Running && !state.Restarting && state.Status is "exited" or "dead")
            {
                if (state.ExitCode == 0)
                {
                    return;
                }

                throw await FailureAsync(container, name, $"exited with code {state.ExitCode}" + (state.OOMKilled ? " (killed: out of memory)" : ""), cancellationToken);
            }

            if (readiness == Readiness.Started && inspect.RestartCount > 0)
            {
                throw await FailureAsync(container, name, $"restarted {inspect.RestartCount} time(s) right after it started (state: {lastState})", cancellationToken);
            }

            if (health == "unhealthy")
            {
                var output = state.Health?.Log?.LastOrDefault()?.Output?.Trim();
                throw await FailureAsync(container, name, "is unhealthy" + (string.IsNullOrEmpty(output) ? "" : $" (last check: {output})"), cancellationToken);
            }

            // The image's own HEALTHCHECK counts too (compose waits for it): the engine reports a health for it.
            var hasHealth = container.HasHealthCheck || !string.IsNullOrEmpty(health);
            var ready = readiness != Readiness.Completed && state.Running && !state.Restarting && (readiness == Readiness.Started || !hasHealth || health == "healthy");
            reporter?.Progress(new ProgressEvent(container.Component, ProgressState.Waiting)
            {
                Object = $"container {name}",
                Detail = masker.Mask(Describe(container, state, inspect.RestartCount, readiness)),
            });
            if (ready)
            {
                readySince ??= DateTimeOffset.UtcNow;
                if (DateTimeOffset.UtcNow - readySince >= settleTime)
                {
                    return;
                }
            }
            else
            {
                readySince = null;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw await FailureAsync(container, name, $"was not {(readiness switch { Readiness.Ready => "ready", Readiness.Completed => "finished", _ => "running" })} within {timeout.TotalSeconds:0.#} s (state: {lastState}, restarts: {inspect.RestartCount})", cancellationToken);
            }

            await Task.Delay(pollInterval, cancellationToken);
        }
    }

    /// <summary>
    /// How far a container is, in a few words: `running, health starting: 1/3 checks passed`,
    /// `running, healthy`, `restarting (2 restarts)`.
    /// </summary>
    internal static string Describe(PlannedContainer container, State state, long restarts, Readiness readiness)
    {
        if (state.Restarting)
        {
            return $"restarting ({restarts} restart{(restarts == 1 ? "" : "s")})";
        }

        if (!state.Running)
        {
            return state.Status ?? "created";
        }

        var health = state.Health;
        if (readiness == Readiness.Started || health is null || string.IsNullOrEmpty(health.Status))
        {
            return "running" + (restarts > 0 ? $" ({restarts} restarts)" : "");
        }

        if (health.Status != "starting")
        {
            return $"running, {health.Status}";
        }

        // The engine keeps the last five results; it turns unhealthy after `retries` failures in a row.
        var checks = health.Log ?? [];
        var passed = checks.Count(c => c.ExitCode == 0);
        var retries = container.Parameters.Healthcheck?.Retries ?? 0;
        var text = checks.Count == 0 ? "running, health starting: no check yet" : $"running, health starting: {passed}/{checks.Count} checks passed";
        return health.FailingStreak > 0 ? $"{text}, failing {health.FailingStreak}/{(retries > 0 ? retries : 3)}" : text;
    }

    private async Task<OperationFailedException> FailureAsync(PlannedContainer container, string name, string reason, CancellationToken cancellationToken)
    {
        var logs = new List<string>();
        try
        {
            var inspect = await client.Containers.InspectContainerAsync(name, cancellationToken);
            var parameters = new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = LogLinesOnFailure.ToString(CultureInfo.InvariantCulture) };
            await foreach (var line in ContainerLogs.ReadLogsAsync(client, inspect.ID, parameters, cancellationToken))
            {
                logs.Add(line.Text);
            }
        }
        catch (DockerApiException)
        {
            // Gone already: report without logs.
        }

        var text = new StringBuilder($"component {container.Component}: container {name} {reason}");
        text.Append($" ({container.Arguments.Location})");
        if (logs.Count > 0)
        {
            text.Append($"{Environment.NewLine}last {logs.Count} log lines:");
            foreach (var line in logs.TakeLast(LogLinesOnFailure))
            {
                text.Append(Environment.NewLine).Append("  ").Append(line);
            }
        }
        else
        {
            text.Append("; it wrote no logs");
        }

        return new OperationFailedException(masker.Mask(text.ToString()));
    }
}
