using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Providers;
using static Nulecule.Docker.Internal.DockerObjects;

namespace Nulecule.Docker.Internal;

/// <summary>Container logs as lines (`docker logs`).</summary>
internal static class ContainerLogs
{
    public static async IAsyncEnumerable<LogLine> ContainerLogsAsync(IDockerClient client, ContainerListResponse container, LogOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parameters = new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Timestamps = true,
            Follow = options.Follow,
            Tail = options.Tail?.ToString(CultureInfo.InvariantCulture) ?? "all",
        };
        if (options.Since is { } since)
        {
            // SECONDS.NANOSECONDS since the epoch, as `docker logs --since` sends it.
            var ticks = (since.UtcDateTime - DateTime.UnixEpoch).Ticks;
            parameters.Since = string.Create(CultureInfo.InvariantCulture, $"{ticks / TimeSpan.TicksPerSecond}.{ticks % TimeSpan.TicksPerSecond * 100:D9}");
        }

        await foreach (var line in ReadLogsAsync(client, container.ID, parameters, cancellationToken))
        {
            yield return line with { Component = ComponentOf(container), Source = NameOf(container) + (line.Source == "stderr" ? " (stderr)" : "") };
        }
    }

    /// <summary>Reads a (multiplexed unless TTY) log stream and cuts it into lines, one stream at a time.</summary>
    public static async IAsyncEnumerable<LogLine> ReadLogsAsync(IDockerClient client, string id, ContainerLogsParameters parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stream = await client.Containers.GetContainerLogsAsync(id, parameters, cancellationToken);
        await foreach (var line in ReadStreamAsync(stream, parameters.Timestamps == true, cancellationToken))
        {
            yield return line;
        }
    }

    /// <summary>Cuts a multiplexed log stream (a container's or a service's) into lines.</summary>
    public static async IAsyncEnumerable<LogLine> ReadStreamAsync(MultiplexedStream stream, bool timestamps, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var pending = new Dictionary<MultiplexedStream.TargetStream, StringBuilder>();
        var decoders = new Dictionary<MultiplexedStream.TargetStream, Decoder>();
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                break;
            }

            if (!pending.TryGetValue(read.Target, out var text))
            {
                pending[read.Target] = text = new StringBuilder();
                decoders[read.Target] = Encoding.UTF8.GetDecoder();
            }

            var chars = new char[Encoding.UTF8.GetMaxCharCount(read.Count)];
            var count = decoders[read.Target].GetChars(buffer, 0, read.Count, chars, 0);
            text.Append(chars, 0, count);
            var all = text.ToString();
            var newline = all.LastIndexOf('\n');
            if (newline < 0)
            {
                continue;
            }

            text.Clear().Append(all[(newline + 1)..]);
            foreach (var line in all[..newline].Split('\n'))
            {
                yield return ToLogLine(line.TrimEnd('\r'), read.Target, timestamps);
            }
        }

        foreach (var (target, rest) in pending.Where(p => p.Value.Length > 0))
        {
            yield return ToLogLine(rest.ToString(), target, timestamps);
        }
    }

    public static LogLine ToLogLine(string line, MultiplexedStream.TargetStream target, bool timestamps)
    {
        var source = target == MultiplexedStream.TargetStream.StandardError ? "stderr" : "stdout";
        DateTimeOffset? time = null;
        if (timestamps)
        {
            (time, line) = LogTimestamps.Split(line);
        }

        return new LogLine("", source, line, time);
    }
}
