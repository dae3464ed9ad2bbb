using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// `kubectl exec` over the API server's WebSocket exec (channel protocol v4): stdout and stderr
/// demultiplexed as they come, the exit code read from the status on the error channel.
/// </summary>
internal static class PodExec
{
    public static async Task<int> RunAsync(k8s.Kubernetes client, string ns, string pod, string container, ExecRequest request, CancellationToken cancellationToken)
    {
        WebSocket socket;
        try
        {
            socket = await client.WebSocketNamespacedPodExecAsync(
                pod, ns, request.Command, container, stderr: true, stdin: request.Stdin is not null, stdout: true, tty: false, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or k8s.Autorest.HttpOperationException or KubernetesException)
        {
            throw new OperationFailedException($"exec in pod {ns}/{pod} (container {container}) failed: {e.Message}", e);
        }

        using (socket)
        using (var demuxer = new StreamDemuxer(socket))
        {
            using var stdout = demuxer.GetStream(ChannelIndex.StdOut, null);
            using var stderr = demuxer.GetStream(ChannelIndex.StdErr, null);
            using var errors = demuxer.GetStream(ChannelIndex.Error, null);
            using var stdin = request.Stdin is null ? null : demuxer.GetStream(null, ChannelIndex.StdIn);
            demuxer.Start();

            using var inputDone = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var feeding = request.Stdin is { } input && stdin is not null ? input.CopyToAsync(stdin, inputDone.Token) : Task.CompletedTask;
            var status = new MemoryStream();
            await Task.WhenAll(
                stdout.CopyToAsync(request.Stdout, cancellationToken),
                stderr.CopyToAsync(request.Stderr, cancellationToken),
                errors.CopyToAsync(status, cancellationToken));
            await request.Stdout.FlushAsync(cancellationToken);
            await request.Stderr.FlushAsync(cancellationToken);
            await inputDone.CancelAsync();
            _ = feeding.ContinueWith(t => t.Exception, TaskScheduler.Default);
            return ExitCode(status.ToArray(), $"{ns}/{pod}");
        }
    }

    /// <summary>
    /// The exit code from the error channel's Status: `Success` is 0, `NonZeroExitCode` carries it as
    /// a cause; any other failure (no such executable, container gone) is an error with the server's message.
    /// </summary>
    internal static int ExitCode(byte[] status, string pod)
    {
        JsonNode? json;
        try
        {
            json = status.Length == 0 ? null : JsonNode.Parse(status);
        }
        catch (JsonException)
        {
            json = null;
        }

        if (json is null)
        {
            throw new OperationFailedException($"exec in pod {pod}: the connection ended without the command's exit status");
        }

        if ((string?)json["status"] == "Success")
        {
            return 0;
        }

        if ((string?)json["reason"] == "NonZeroExitCode")
        {
            var code = (json["details"]?["causes"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => (string?)c["reason"] == "ExitCode");
            if (int.TryParse((string?)code?["message"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var exit))
            {
                return exit;
            }
        }

        throw new OperationFailedException($"exec in pod {pod} failed: {(string?)json["message"] ?? (string?)json["reason"] ?? "unknown error"}");
    }
}
