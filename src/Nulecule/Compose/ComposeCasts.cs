using System.Globalization;
using System.Text.Json.Nodes;

namespace Nulecule.Compose;

public enum ComposeCast
{
    Integer,
    Float,
    Boolean,
}

/// <summary>
/// The paths at which Compose turns an interpolated string into a number or a boolean (compose-go's
/// loader cast table): after interpolation `replicas: "${N}"` is the integer 3, `privileged: "${P}"`
/// a boolean. `*` matches any key or index.
/// </summary>
public static class ComposeCasts
{
    private static readonly (string[] Path, ComposeCast Cast)[] Table =
    [
        (["services", "*", "cpu_count"], ComposeCast.Integer),
        (["services", "*", "cpu_percent"], ComposeCast.Float),
        (["services", "*", "cpu_period"], ComposeCast.Integer),
        (["services", "*", "cpu_quota"], ComposeCast.Integer),
        (["services", "*", "cpu_rt_period"], ComposeCast.Integer),
        (["services", "*", "cpu_rt_runtime"], ComposeCast.Integer),
        (["services", "*", "cpus"], ComposeCast.Float),
        (["services", "*", "cpu_shares"], ComposeCast.Integer),
        (["services", "*", "init"], ComposeCast.Boolean),
        (["services", "*", "depends_on", "*", "required"], ComposeCast.Boolean),
        (["services", "*", "depends_on", "*", "restart"], ComposeCast.Boolean),
        (["services", "*", "deploy", "replicas"], ComposeCast.Integer),
        (["services", "*", "deploy", "update_config", "parallelism"], ComposeCast.Integer),
        (["services", "*", "deploy", "update_config", "max_failure_ratio"], ComposeCast.Float),
        (["services", "*", "deploy", "rollback_config", "parallelism"], ComposeCast.Integer),
        (["services", "*", "deploy", "rollback_config", "max_failure_ratio"], ComposeCast.Float),
        (["services", "*", "deploy", "restart_policy", "max_attempts"], ComposeCast.Integer),
        (["services", "*", "deploy", "placement", "max_replicas_per_node"], ComposeCast.Integer),
        (["services", "*", "healthcheck", "retries"], ComposeCast.Integer),
        (["services", "*", "healthcheck", "disable"], ComposeCast.Boolean),
        (["services", "*", "oom_kill_disable"], ComposeCast.Boolean),
        (["services", "*", "oom_score_adj"], ComposeCast.Integer),
        (["services", "*", "pids_limit"], ComposeCast.Integer),
        (["services", "*", "ports", "*", "target"], ComposeCast.Integer),
        (["services", "*", "privileged"], ComposeCast.Boolean),
        (["services", "*", "read_only"], ComposeCast.Boolean),
        (["services", "*", "scale"], ComposeCast.Integer),
        (["services", "*", "stdin_open"], ComposeCast.Boolean),
        (["services", "*", "tty"], ComposeCast.Boolean),
        (["services", "*", "ulimits", "*"], ComposeCast.Integer),
        (["services", "*", "ulimits", "*", "hard"], ComposeCast.Integer),
        (["services", "*", "ulimits", "*", "soft"], ComposeCast.Integer),
        (["services", "*", "volumes", "*", "read_only"], ComposeCast.Boolean),
        (["services", "*", "volumes", "*", "volume", "nocopy"], ComposeCast.Boolean),
        (["networks", "*", "external"], ComposeCast.Boolean),
        (["networks", "*", "internal"], ComposeCast.Boolean),
        (["networks", "*", "attachable"], ComposeCast.Boolean),
        (["networks", "*", "enable_ipv4"], ComposeCast.Boolean),
        (["networks", "*", "enable_ipv6"], ComposeCast.Boolean),
        (["volumes", "*", "external"], ComposeCast.Boolean),
        (["secrets", "*", "external"], ComposeCast.Boolean),
        (["configs", "*", "external"], ComposeCast.Boolean),
    ];

    /// <summary>The cast at <paramref name="path"/>, if any.</summary>
    public static ComposeCast? For(IReadOnlyList<string> path)
    {
        foreach (var (pattern, cast) in Table)
        {
            if (pattern.Length == path.Count && pattern.Select((p, i) => p == "*" || p == path[i]).All(m => m))
            {
                return cast;
            }
        }

        return null;
    }

    /// <summary>The typed value, or null when <paramref name="value"/> is not of that type.</summary>
    public static JsonNode? Apply(ComposeCast cast, string value) => cast switch
    {
        ComposeCast.Integer => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : null,
        ComposeCast.Float => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && double.IsFinite(f) ? JsonValue.Create(f) : null,
        _ => ToBoolean(value) is { } b ? JsonValue.Create(b) : null,
    };

    /// <summary>Compose's booleans: true/false in any case, and YAML 1.1's y/yes/on, n/no/off.</summary>
    public static bool? ToBoolean(string value) => value.ToLowerInvariant() switch
    {
        "true" or "y" or "yes" or "on" => true,
        "false" or "n" or "no" or "off" => false,
        _ => null,
    };

    public static string Describe(ComposeCast cast) => cast switch
    {
        ComposeCast.Integer => "a whole number",
        ComposeCast.Float => "a number",
        _ => "a boolean (true or false)",
    };
}
