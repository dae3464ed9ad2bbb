using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Internal;

/// <summary>Reads one container's log (`kubectl logs --timestamps`) as lines.</summary>
internal static class PodLogs
{
    public static async IAsyncEnumerable<LogLine> ReadAsync(
        KubeApi api, string ns, string component, string pod, string container, LogOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new StringBuilder($"?container={Uri.EscapeDataString(container)}&timestamps=true");
        if (options.Follow)
        {
            query.Append("&follow=true");
        }

        if (options.Since is { } since)
        {
            // Whole seconds (the API's precision), rounded down: the caller drops the earlier lines of that second.
            query.Append("&sinceTime=").Append(Uri.EscapeDataString(since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        }

        if (options.Tail is { } tail)
        {
            query.Append(CultureInfo.InvariantCulture, $"&tailLines={tail}");
        }

        HttpResponseMessage response;
        try
        {
            response = await api.StreamAsync($"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods/{Uri.EscapeDataString(pod)}/log{query}", cancellationToken);
        }
        catch (KubeApiException)
        {
            // A container that never started has no log; its state shows in `status`.
            yield break;
        }

        using (response)
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var (time, text) = SplitTimestamp(line);
                yield return new LogLine(component, $"{pod}/{container}", text, time);
            }
        }
    }

    internal static (DateTimeOffset? Time, string Text) SplitTimestamp(string line) => LogTimestamps.Split(line);
}
