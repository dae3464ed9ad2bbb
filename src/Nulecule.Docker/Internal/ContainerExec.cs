using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Providers;
using static Nulecule.Docker.Internal.DockerObjects;

namespace Nulecule.Docker.Internal;

/// <summary>`docker exec` in one of a component's containers: output demultiplexed, exit code returned.</summary>
internal static class ContainerExec
{
    public static async Task<int> RunAsync(IDockerClient client, string release, ExecRequest request, CancellationToken cancellationToken)
    {
        var container = Choose(release, request, await ReleaseContainersAsync(client, release, cancellationToken));
        var exec = await client.Exec.CreateContainerExecAsync(container.ID, new ContainerExecCreateParameters
        {
            Cmd = request.Command.ToList(),
            AttachStdin = request.Stdin is not null,
            AttachStdout = true,
            AttachStderr = true,
        }, cancellationToken);
        using (var stream = await client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), cancellationToken))
        {
            using var stdinDone = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var feeding = request.Stdin is { } stdin ? FeedAsync(stream, stdin, stdinDone.Token) : Task.CompletedTask;
            await stream.CopyOutputToAsync(Stream.Null, request.Stdout, request.Stderr, cancellationToken);
            await request.Stdout.FlushAsync(cancellationToken);
            await request.Stderr.FlushAsync(cancellationToken);

            // The command ended: a stdin that is still open (a terminal) is no longer read.
            await stdinDone.CancelAsync();
            _ = feeding.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }

        // The output ends as the process exits; the engine may record its exit code a moment later.
        for (var attempt = 0; ; attempt++)
        {
            var inspected = await client.Exec.InspectContainerExecAsync(exec.ID, cancellationToken);
            if (!inspected.Running && inspected.ExitCode is { } code)
            {
                return (int)code;
            }

            if (attempt == 50)
            {
                throw new OperationFailedException($"exec in container {NameOf(container)}: the engine reported no exit code for the command");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Copies stdin to the command and then closes its stdin, so a command reading it to the end finishes.</summary>
    private static async Task FeedAsync(MultiplexedStream stream, Stream stdin, CancellationToken cancellationToken)
    {
        await stream.CopyFromAsync(stdin, cancellationToken);
        stream.CloseWrite();
    }

    /// <summary>The container named by --container, else the --index-th of the component, else its first running one.</summary>
    internal static ContainerListResponse Choose(string release, ExecRequest request, IReadOnlyList<ContainerListResponse> containers)
    {
        var ofComponent = containers.Where(c => ComponentOf(c) == request.Component).OrderBy(OrderOf).ThenBy(NameOf, StringComparer.Ordinal).ToList();
        var names = string.Join(", ", ofComponent.Select(NameOf));
        ContainerListResponse chosen;
        if (request.Pod is not null)
        {
            throw new NuleculeException("--pod names a Kubernetes pod; the docker provider runs containers", null, $"choose a container with --container ({names})");
        }

        if (request.Container is { } name)
        {
            chosen = ofComponent.FirstOrDefault(c => NameOf(c) == name)
                ?? throw new NuleculeException($"component {request.Component} of release {release} has no container '{name}'", null, $"its containers: {names}");
        }
        else if (request.Index is { } index)
        {
            chosen = index <= ofComponent.Count
                ? ofComponent[index - 1]
                : throw new NuleculeException($"--index {index}: component {request.Component} of release {release} has {ofComponent.Count} container(s)", null, names.Length > 0 ? $"its containers: {names}" : null);
        }
        else
        {
            chosen = ofComponent.FirstOrDefault(c => c.State == "running")
                ?? throw new OperationFailedException($"component {request.Component} of release {release} has no running container"
                    + (ofComponent.Count == 0 ? "" : $" ({string.Join(", ", ofComponent.Select(c => $"{NameOf(c)} is {c.State}"))})"));
        }

        return chosen.State == "running"
            ? chosen
            : throw new OperationFailedException($"container {NameOf(chosen)} of component {request.Component} is {chosen.State}, not running: `nulecule restart {release} {request.Component}` starts it");
    }
}
