using System.Globalization;
using Docker.DotNet.Models;

namespace Nulecule.Docker.Run;

/// <summary>
/// The `docker run` flags that map one to one onto fields of the Engine API's container create
/// (Config and HostConfig) and need no bookkeeping of their own: resources, DNS, kernel
/// settings, logging, security. Each is checked where it is parsed and applied as the docker CLI
/// applies it (docs/docker-run-flags.md lists every flag).
/// </summary>
public sealed class DockerRunSettings
{
    public static DockerRunSettings Empty { get; } = new(new Dictionary<string, string>(), new Dictionary<string, List<string>>(), new HashSet<string>());

    /// <summary>Flags taking one value (the last one given wins, as with the CLI).</summary>
    internal static readonly string[] SingleValued =
    [
        "cpu-shares", "cpu-period", "cpu-quota", "cpu-rt-period", "cpu-rt-runtime", "cpuset-cpus", "cpuset-mems", "blkio-weight",
        "cgroup-parent", "cgroupns", "domainname", "ipc", "isolation", "log-driver", "memory-reservation", "memory-swap",
        "memory-swappiness", "oom-score-adj", "pid", "pids-limit", "runtime", "shm-size", "stop-signal", "stop-timeout",
        "userns", "uts", "volume-driver",
    ];

    /// <summary>Flags that may be repeated, each occurrence adding to a list.</summary>
    internal static readonly string[] MultiValued =
    [
        "add-host", "dns", "dns-option", "dns-search", "tmpfs", "ulimit", "sysctl", "security-opt", "log-opt", "group-add",
        "device", "device-cgroup-rule", "storage-opt",
    ];

    /// <summary>Boolean flags.</summary>
    internal static readonly string[] Switches = ["read-only", "init", "oom-kill-disable", "publish-all"];

    private readonly Dictionary<string, string> _values;
    private readonly Dictionary<string, List<string>> _lists;
    private readonly HashSet<string> _flags;

    internal DockerRunSettings(Dictionary<string, string> values, Dictionary<string, List<string>> lists, HashSet<string> flags)
    {
        _values = values;
        _lists = lists;
        _flags = flags;
    }

    /// <summary>Checks one value of a flag; null when fine, else what is wrong and how to write it.</summary>
    internal static (string Problem, string Hint)? Check(string name, string value) => name switch
    {
        "cpu-shares" or "cpu-period" or "cpu-quota" or "cpu-rt-period" or "cpu-rt-runtime" or "oom-score-adj" or "pids-limit" or "stop-timeout"
            when !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) => ("not a whole number", "use a whole number"),
        "blkio-weight" when !ushort.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var w) || (w != 0 && w is < 10 or > 1000)
            => ("not a weight", "use a number between 10 and 1000 (0 leaves it unset)"),
        "memory-swappiness" when !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) || s is < -1 or > 100
            => ("not a swappiness", "use a number between 0 and 100 (-1 keeps the default)"),
        "memory-reservation" or "shm-size" when ValueParsers.ParseBytes(value) is null => ("not a size", "use a number with an optional unit b, k, m or g (e.g. 64m)"),
        "memory-swap" when value != "-1" && ValueParsers.ParseBytes(value) is null => ("not a size", "use a size such as 1g, or -1 for unlimited swap"),
        "add-host" when value.IndexOf(':') is <= 0 || value.IndexOf(':') == value.Length - 1 => ("not host:ip", "use --add-host name:ip"),
        "ulimit" when ParseUlimit(value) is null => ("not name=soft[:hard]", "use --ulimit nofile=1024:2048"),
        "sysctl" or "storage-opt" or "log-opt" when value.IndexOf('=') <= 0 => ("not key=value", "use key=value"),
        "tmpfs" when !value.StartsWith('/') => ("not an absolute path", "use --tmpfs /path[:options]"),
        "device" when ParseDevice(value) is null => ("not a device", "use --device /dev/host[:/dev/container[:rwm]]"),
        _ => null,
    };

    /// <summary>Sets the flags' fields on a container create request, as `docker run` does.</summary>
    public void ApplyTo(CreateContainerParameters create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var host = create.HostConfig ??= new HostConfig();
        if (Value("domainname") is { } domain)
        {
            create.Domainname = domain;
        }

        if (Value("stop-signal") is { } signal)
        {
            create.StopSignal = signal;
        }

        if (Value("stop-timeout") is { } timeout)
        {
            create.StopTimeout = TimeSpan.FromSeconds(long.Parse(timeout, CultureInfo.InvariantCulture));
        }

        host.CPUShares = Long("cpu-shares") ?? host.CPUShares;
        host.CPUPeriod = Long("cpu-period") ?? host.CPUPeriod;
        host.CPUQuota = Long("cpu-quota") ?? host.CPUQuota;
        host.CPURealtimePeriod = Long("cpu-rt-period") ?? host.CPURealtimePeriod;
        host.CPURealtimeRuntime = Long("cpu-rt-runtime") ?? host.CPURealtimeRuntime;
        host.CpusetCpus = Value("cpuset-cpus") ?? host.CpusetCpus;
        host.CpusetMems = Value("cpuset-mems") ?? host.CpusetMems;
        host.BlkioWeight = Value("blkio-weight") is { } weight ? ushort.Parse(weight, CultureInfo.InvariantCulture) : host.BlkioWeight;
        host.CgroupParent = Value("cgroup-parent") ?? host.CgroupParent;
        host.CgroupnsMode = Value("cgroupns") ?? host.CgroupnsMode;
        host.IpcMode = Value("ipc") ?? host.IpcMode;
        host.Isolation = Value("isolation") ?? host.Isolation;
        host.PidMode = Value("pid") ?? host.PidMode;
        host.UTSMode = Value("uts") ?? host.UTSMode;
        host.UsernsMode = Value("userns") ?? host.UsernsMode;
        host.Runtime = Value("runtime") ?? host.Runtime;
        host.VolumeDriver = Value("volume-driver") ?? host.VolumeDriver;
        host.OomScoreAdj = Long("oom-score-adj") ?? host.OomScoreAdj;
        if (Long("pids-limit") is { } pids)
        {
            host.PidsLimit = pids;
        }

        host.MemoryReservation = Value("memory-reservation") is { } reservation ? ValueParsers.ParseBytes(reservation)!.Value : host.MemoryReservation;
        host.MemorySwap = Value("memory-swap") is { } swap ? (swap == "-1" ? -1 : ValueParsers.ParseBytes(swap)!.Value) : host.MemorySwap;
        if (Long("memory-swappiness") is { } swappiness)
        {
            host.MemorySwappiness = swappiness;
        }

        host.ShmSize = Value("shm-size") is { } shm ? ValueParsers.ParseBytes(shm)!.Value : host.ShmSize;
        host.ReadonlyRootfs = _flags.Contains("read-only") || host.ReadonlyRootfs;
        host.PublishAllPorts = _flags.Contains("publish-all") || host.PublishAllPorts;
        if (_flags.Contains("init"))
        {
            host.Init = true;
        }

        if (_flags.Contains("oom-kill-disable"))
        {
            host.OomKillDisable = true;
        }

        host.ExtraHosts = List("add-host") ?? host.ExtraHosts;
        host.DNS = List("dns") ?? host.DNS;
        host.DNSOptions = List("dns-option") ?? host.DNSOptions;
        host.DNSSearch = List("dns-search") ?? host.DNSSearch;
        host.SecurityOpt = List("security-opt") ?? host.SecurityOpt;
        host.GroupAdd = List("group-add") ?? host.GroupAdd;
        host.DeviceCgroupRules = List("device-cgroup-rule") ?? host.DeviceCgroupRules;
        if (List("tmpfs") is { } tmpfs)
        {
            host.Tmpfs = tmpfs.ToDictionary(t => t.Split(':', 2)[0], t => t.Contains(':') ? t.Split(':', 2)[1] : "", StringComparer.Ordinal);
        }

        if (List("sysctl") is { } sysctls)
        {
            host.Sysctls = KeyValues(sysctls);
        }

        if (List("storage-opt") is { } storage)
        {
            host.StorageOpt = KeyValues(storage);
        }

        if (List("ulimit") is { } ulimits)
        {
            host.Ulimits = ulimits.Select(u => ParseUlimit(u)!).ToList();
        }

        if (List("device") is { } devices)
        {
            host.Devices = devices.Select(d => ParseDevice(d)!).ToList();
        }

        if (Value("log-driver") is { } driver || List("log-opt") is not null)
        {
            host.LogConfig = new LogConfig
            {
                Type = Value("log-driver") ?? "",
                Config = List("log-opt") is { } options ? KeyValues(options) : null!,
            };
        }
    }

    private string? Value(string name) => _values.GetValueOrDefault(name);

    private long? Long(string name) => _values.TryGetValue(name, out var v) ? long.Parse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;

    private List<string>? List(string name) => _lists.TryGetValue(name, out var list) && list.Count > 0 ? list : null;

    private static Dictionary<string, string> KeyValues(IEnumerable<string> items)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var eq = item.IndexOf('=');
            map[item[..eq]] = item[(eq + 1)..];
        }

        return map;
    }

    // name=soft[:hard]; a single number sets both, as the CLI does.
    private static Ulimit? ParseUlimit(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0)
        {
            return null;
        }

        var limits = text[(eq + 1)..].Split(':');
        if (limits.Length is < 1 or > 2
            || !long.TryParse(limits[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var soft))
        {
            return null;
        }

        var hard = soft;
        if (limits.Length == 2 && !long.TryParse(limits[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out hard))
        {
            return null;
        }

        return new Ulimit { Name = text[..eq], Soft = soft, Hard = hard };
    }

    // /dev/host[:/dev/container][:permissions]; permissions default to rwm, the container path to the host's.
    private static DeviceMapping? ParseDevice(string text)
    {
        var parts = text.Split(':');
        if (parts.Length is < 1 or > 3 || parts[0].Length == 0)
        {
            return null;
        }

        var permissions = "rwm";
        var inContainer = parts[0];
        if (parts.Length == 3)
        {
            inContainer = parts[1];
            permissions = parts[2];
        }
        else if (parts.Length == 2)
        {
            if (parts[1].StartsWith('/'))
            {
                inContainer = parts[1];
            }
            else
            {
                permissions = parts[1];
            }
        }

        return permissions.Length == 0 || permissions.Any(c => c is not ('r' or 'w' or 'm'))
            ? null
            : new DeviceMapping { PathOnHost = parts[0], PathInContainer = inContainer, CgroupPermissions = permissions };
    }
}
