using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Providers;

namespace Nulecule.Docker.Swarm;

/// <summary>
/// Waits for services to converge (<see cref="SwarmConvergence"/>): polls the service and the
/// tasks of its current spec, fails at once when a task was rejected or keeps failing, and at the
/// deadline names the slot that is not there and the reason its task gives. A service that runs
/// (rather than completes) must stay converged for <see cref="SettleTime"/>.
/// </summary>
internal sealed class SwarmWaiter(IDockerClient client, TimeSpan pollInterval, TimeSpan settleTime, SecretMasker masker)
{
    public TimeSpan SettleTime => settleTime;

    public async Task WaitAsync(PlannedService service, string id, DateTimeOffset deadline, TimeSpan timeout, IReporter reporter, CancellationToken cancellationToken)
    {
        DateTimeOffset? convergedSince = null;
        var last = "";
        while (true)
        {
            var inspected = await client.Swarm.InspectServiceAsync(id, cancellationToken);
            var tasks = await SwarmObjects.CurrentTasksAsync(client, id, cancellationToken);
            var nodes = inspected.Spec?.Mode?.Global is not null || inspected.Spec?.Mode?.GlobalJob is not null
                ? (await client.Swarm.ListNodesAsync(cancellationToken)).Count(n => n.Status?.State != "down")
                : 1;
            var state = SwarmConvergence.Judge(inspected, tasks.ToList(), nodes);
            if (state.Failure is not null)
            {
                throw new OperationFailedException(masker.Mask($"component {service.Component}: service {service.ServiceName} ({service.Image}) cannot start: {state.Failure} ({service.Location})"));
            }

            if (state.Progress != last)
            {
                reporter.Detail($"{service.ServiceName}: {state.Progress}");
                reporter.Progress(new ProgressEvent(service.Component, ProgressState.Waiting) { Object = $"service {service.ServiceName}", Detail = masker.Mask(state.Progress) });
                last = state.Progress;
            }

            var now = DateTimeOffset.UtcNow;
            if (state.Converged)
            {
                convergedSince ??= now;
                if (service.OneShot && tasks.All(t => t.Status?.State != TaskState.Running) || now - convergedSince >= settleTime)
                {
                    return;
                }
            }
            else
            {
                convergedSince = null;
            }

            if (now >= deadline)
            {
                throw new OperationFailedException(masker.Mask(
                    $"component {service.Component}: service {service.ServiceName} did not converge within {timeout.TotalSeconds:0}s: {state.Progress} ({service.Location})"));
            }

            await Task.Delay(pollInterval, cancellationToken);
        }
    }
}
