using System.Security.Cryptography;
using System.Text;
using Docker.DotNet.Models;
using Nulecule.Providers;

namespace Nulecule.Docker.Planning;

/// <summary>
/// sha256 of a canonical text of the create parameters: every field we set, maps sorted, the
/// revision and the hash label itself left out (a new revision alone must not recreate anything).
/// </summary>
public static class ConfigHash
{
    /// <param name="p">The create parameters.</param>
    /// <param name="flags">
    /// The canonical text of the docker-run flags that map straight onto create fields
    /// (DockerRunSettings), which are not hashed field by field; empty adds nothing, so the hash of
    /// a container without such flags is what it always was.
    /// </param>
    public static string Compute(CreateContainerParameters p, string flags = "")
    {
        var text = new StringBuilder();
        void Line(string key, string? value) => text.Append(key).Append('=').Append(value ?? "").Append('\n');
        void List(string key, IEnumerable<string>? values) => Line(key, values is null ? null : "[" + string.Join("\u001f", values) + "]");

        Line("name", p.Name);
        Line("image", p.Image);
        List("cmd", p.Cmd);
        List("entrypoint", p.Entrypoint);
        List("env", p.Env);
        Line("user", p.User);
        Line("workdir", p.WorkingDir);
        Line("hostname", p.Hostname);
        Line("tty", p.Tty.ToString());
        Line("stdin", p.OpenStdin.ToString());
        List("labels", p.Labels?
            .Where(l => l.Key is not (Labels.Revision or Labels.ConfigHash))
            .OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));
        List("exposed", p.ExposedPorts?.Keys.Order(StringComparer.Ordinal));
        List("volumes", p.Volumes?.Keys.Order(StringComparer.Ordinal));
        if (p.Healthcheck is { } h)
        {
            List("health", h.Test);
            Line("health.interval", h.Interval?.Ticks.ToString());
            Line("health.timeout", h.Timeout?.Ticks.ToString());
            Line("health.start", h.StartPeriod?.Ticks.ToString());
            Line("health.retries", h.Retries?.ToString());
        }

        if (p.HostConfig is { } host)
        {
            List("ports", host.PortBindings?
                .OrderBy(b => b.Key, StringComparer.Ordinal)
                .Select(b => b.Key + "->" + string.Join(",", b.Value.Select(v => $"{v.HostIP}:{v.HostPort}"))));
            List("binds", host.Binds);
            Line("restart", host.RestartPolicy is null ? null : $"{host.RestartPolicy.Name}:{host.RestartPolicy.MaximumRetryCount}");
            Line("network", host.NetworkMode);
            Line("privileged", host.Privileged.ToString());
            List("capadd", host.CapAdd);
            List("capdrop", host.CapDrop);
            Line("memory", host.Memory.ToString());
            Line("cpus", host.NanoCPUs.ToString());
            Line("autoremove", host.AutoRemove.ToString());
        }

        if (p.NetworkingConfig?.EndpointsConfig is { } endpoints)
        {
            List("endpoints", endpoints.OrderBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => e.Key + ":" + string.Join(",", e.Value.Aliases?.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>())));
        }

        if (flags.Length > 0)
        {
            Line("flags", flags);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
