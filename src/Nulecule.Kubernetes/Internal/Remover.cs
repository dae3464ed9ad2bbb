using System.Net;
using System.Text.Json.Nodes;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Internal;

/// <summary>Deletes objects with foreground propagation and waits until they are gone.</summary>
internal sealed class Remover
{
    private readonly KubeApi _api;

    public Remover(KubeApi api)
    {
        _api = api;
    }

    /// <summary>
    /// Deletes in the given order; returns what was deleted. Throws when they outlive
    /// <paramref name="deadline"/>, or when the server refuses or stops answering: the message then
    /// lists what was deleted and what was not, so nobody is told "removed" for what is still there.
    /// </summary>
    /// <param name="later">Objects the caller would delete afterwards (the next components): listed as not deleted when this fails.</param>
    public async Task<List<LiveObject>> DeleteAsync(IReadOnlyList<LiveObject> objects, DateTimeOffset deadline, IReporter reporter, CancellationToken cancellationToken, IReadOnlyList<LiveObject>? later = null)
    {
        later ??= [];
        var options = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "DeleteOptions", ["propagationPolicy"] = "Foreground" };
        var deleted = new List<LiveObject>();
        var gone = new List<LiveObject>();
        foreach (var item in objects)
        {
            try
            {
                await _api.SendAsync(HttpMethod.Delete, item.Path, options.DeepClone(), "application/json", cancellationToken);
                reporter.Detail($"deleting {item.Display}");
                deleted.Add(item);
            }
            catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                // Already gone: nothing to do.
                gone.Add(item);
            }
            catch (KubeApiException e)
            {
                throw new OperationFailedException($"cannot delete {Named(item)}: {e.Message}{Left([.. objects, .. later], deleted, gone)}", e);
            }
            catch (OperationFailedException e) when (KubeApi.IsUnreachable(e))
            {
                throw new OperationFailedException($"{e.Message} while deleting {Named(item)}{Left([.. objects, .. later], deleted, gone)}; run stop again once it answers", e);
            }
        }

        var remaining = deleted.ToList();
        while (remaining.Count > 0)
        {
            foreach (var item in remaining.ToList())
            {
                JsonNode? live;
                try
                {
                    live = await _api.GetAsync(item.Path, cancellationToken);
                }
                catch (OperationFailedException e) when (KubeApi.IsUnreachable(e))
                {
                    throw new OperationFailedException(
                        $"{e.Message} while waiting for {Named(item)} to be gone; its deletion was accepted, but not seen to finish for: "
                        + $"{string.Join(", ", remaining.Select(r => r.Display))}"
                        + (later.Count > 0 ? $"; not deleted: {string.Join(", ", later.Select(o => o.Display))}" : "")
                        + "; run stop again once it answers", e);
                }

                if (live is null)
                {
                    remaining.Remove(item);
                }
            }

            if (remaining.Count == 0)
            {
                break;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new OperationFailedException(
                    $"still present after the timeout: {string.Join(", ", remaining.Select(r => r.Display))} " +
                    "(deletion is under way with foreground propagation; finalizers or terminating pods may hold it; run stop again or raise --timeout)");
            }

            await Task.Delay(500, cancellationToken);
        }

        return deleted;
    }

    /// <summary>`Deployment ns/web (component web)`: the object and the component it belongs to.</summary>
    private static string Named(LiveObject item) =>
        item.Component.Length > 0 ? $"{item.Display} (component {item.Component})" : item.Display;

    /// <summary>What a failed removal did and did not do.</summary>
    private static string Left(IReadOnlyList<LiveObject> all, List<LiveObject> deleted, List<LiveObject> gone)
    {
        var kept = all.Where(o => !deleted.Contains(o) && !gone.Contains(o)).Select(o => o.Display).ToList();
        return (deleted.Count > 0 ? $"; deleted: {string.Join(", ", deleted.Select(o => o.Display))}" : "; nothing was deleted")
            + (kept.Count > 0 ? $"; not deleted: {string.Join(", ", kept)}" : "");
    }
}
