using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
        "userns", "uts", "volume-driver", "kernel-memory", "platform", "ip", "ip6", "mac-address",
    ];

    /// <summary>Flags that may be repeated, each occurrence adding to a list.</summary>
    internal static readonly string[] MultiValued =
    [
        "add-host", "dns", "dns-option", "dns-search", "tmpfs", "ulimit", "sysctl", "security-opt", "log-opt", "group-add",
        "device", "device-cgroup-rule", "storage-opt", "blkio-weight-device", "device-read-bps", "device-read-iops",
        "device-write-bps", "device-write-iops", "gpus", "network-alias", "link-local-ip", "mount",
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
        "kernel-memory" when ValueParsers.ParseBytes(value) is null => ("not a size", "use a number with an optional unit b, k, m or g (e.g. 64m)"),
        "blkio-weight-device" => CheckDevice(value, rate => ushort.TryParse(rate, NumberStyles.None, CultureInfo.InvariantCulture, out var w) && (w == 0 || w is >= 10 and <= 1000),
            "use --blkio-weight-device /dev/sda:WEIGHT with a weight between 10 and 1000"),
        "device-read-bps" or "device-write-bps" => CheckDevice(value, rate => ValueParsers.ParseBytes(rate) is not null,
            $"use --{name} /dev/sda:RATE, a number of bytes per second with an optional unit k, m or g"),
        "device-read-iops" or "device-write-iops" => CheckDevice(value, rate => ulong.TryParse(rate, NumberStyles.None, CultureInfo.InvariantCulture, out _),
            $"use --{name} /dev/sda:RATE, a whole number of IO per second"),
        "gpus" when GpuOption.Parse(value, out var gpuError) is null => (gpuError!, "use --gpus all, --gpus 2, or --gpus '\"device=0,1\"' (the docker CLI's syntax)"),
        "ip" when !IsIPv4(value) => ("not an IPv4 address", "use --ip 172.30.100.104"),
        "ip6" when !IsIPv6(value) => ("not an IPv6 address", "use --ip6 2001:db8::33"),
        "link-local-ip" when !IsIPv4(value) && !IsIPv6(value) => ("not an IP address", "use --link-local-ip 169.254.1.5"),
        "mac-address" when !IsMacAddress(value.Trim()) => ("not a MAC address", "use --mac-address 92:d0:c6:0a:29:33"),
        "network-alias" when value.Length == 0 => ("an empty alias", "use --network-alias NAME"),
        "platform" when !IsPlatform(value) => ("not a platform", "use os[/arch[/variant]], e.g. linux/amd64"),
        _ => null,
    };

    /// <summary>`--mac-address`; sent where the Engine API reads it (see <see cref="RawCreateFields"/>).</summary>
    public string? MacAddress => Value("mac-address");

    /// <summary>`--ip`, `--ip6`, `--link-local-ip`, `--network-alias`: the endpoint on the container's network.</summary>
    public string? IPv4Address => Value("ip");

    public string? IPv6Address => Value("ip6");

    public IReadOnlyList<string> LinkLocalIps => List("link-local-ip") ?? [];

    public IReadOnlyList<string> NetworkAliases => List("network-alias") ?? [];

    /// <summary>The create fields outside Docker.DotNet's model.</summary>
    public RawCreateFields RawFields => new(MacAddress, Value("kernel-memory") is { } kernel ? ValueParsers.ParseBytes(kernel) : null);

    /// <summary>
    /// Every flag here in one canonical text, for the config hash (the create fields they set are not
    /// all hashed one by one); empty when none is given.
    /// </summary>
    internal string Canonical()
    {
        var text = new System.Text.StringBuilder();
        foreach (var (key, value) in _values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }

        foreach (var (key, list) in _lists.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append("=[").Append(string.Join("\u001f", list)).Append("]\n");
        }

        foreach (var flag in _flags.Where(f => Switches.Contains(f)).Order(StringComparer.Ordinal))
        {
            text.Append(flag).Append('\n');
        }

        return text.ToString();
    }

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

        if (List("blkio-weight-device") is { } weights)
        {
            host.BlkioWeightDevice = weights.Select(w => new WeightDevice { Path = w[..w.IndexOf(':')], Weight = ushort.Parse(w[(w.IndexOf(':') + 1)..], CultureInfo.InvariantCulture) }).ToList();
        }

        host.BlkioDeviceReadBps = Throttles("device-read-bps", bytes: true) ?? host.BlkioDeviceReadBps;
        host.BlkioDeviceWriteBps = Throttles("device-write-bps", bytes: true) ?? host.BlkioDeviceWriteBps;
        host.BlkioDeviceReadIOps = Throttles("device-read-iops", bytes: false) ?? host.BlkioDeviceReadIOps;
        host.BlkioDeviceWriteIOps = Throttles("device-write-iops", bytes: false) ?? host.BlkioDeviceWriteIOps;
        if (List("gpus") is { } gpus)
        {
            host.DeviceRequests = gpus.Select(g => GpuOption.Parse(g, out _)!).ToList();
        }

        create.Platform = Value("platform") ?? create.Platform;
        if (Value("log-driver") is { } driver || List("log-opt") is not null)
        {
            host.LogConfig = new LogConfig
            {
                Type = Value("log-driver") ?? "",
                Config = List("log-opt") is { } options ? KeyValues(options) : null!,
            };
        }
    }

    internal string? Value(string name) => _values.GetValueOrDefault(name);

    /// <summary>The flags of <see cref="SingleValued"/>, <see cref="MultiValued"/> and <see cref="Switches"/> that were given.</summary>
    internal IEnumerable<string> Given =>
        _values.Keys.Where(k => SingleValued.Contains(k))
            .Concat(_lists.Where(l => l.Value.Count > 0 && MultiValued.Contains(l.Key)).Select(l => l.Key))
            .Concat(_flags.Where(f => Switches.Contains(f)));

    private List<ThrottleDevice>? Throttles(string name, bool bytes) => List(name)?.Select(t =>
    {
        var colon = t.IndexOf(':');
        var rate = t[(colon + 1)..];
        return new ThrottleDevice { Path = t[..colon], Rate = bytes ? (ulong)ValueParsers.ParseBytes(rate)!.Value : ulong.Parse(rate, CultureInfo.InvariantCulture) };
    }).ToList();

    // PATH:RATE with PATH under /dev/, as the docker CLI checks them (opts/throttledevice.go, weightdevice.go).
    private static (string Problem, string Hint)? CheckDevice(string value, Func<string, bool> rateIsValid, string hint)
    {
        var colon = value.IndexOf(':');
        if (colon <= 0)
        {
            return ("not PATH:RATE", hint);
        }

        if (!value.StartsWith("/dev/", StringComparison.Ordinal))
        {
            return ("the device path must start with /dev/", hint);
        }

        return rateIsValid(value[(colon + 1)..]) ? null : ("not a valid rate or weight", hint);
    }

    // Go's net.ParseMAC: 6, 8 or 20 octets as xx:xx:…, xx-xx-… or xxxx.xxxx.….
    private static bool IsMacAddress(string text)
    {
        if (text.Length >= 14 && text[4] == '.')
        {
            var groups = text.Split('.');
            return groups.Length is 3 or 4 or 10 && groups.All(g => g.Length == 4 && g.All(char.IsAsciiHexDigit));
        }

        if (text.Length >= 14 && text[2] is ':' or '-')
        {
            var octets = text.Split(text[2]);
            return octets.Length is 6 or 8 or 20 && octets.All(o => o.Length == 2 && o.All(char.IsAsciiHexDigit));
        }

        return false;
    }

    // Go's net.ParseIP: four decimal parts without leading zeros (not .NET's inet_aton forms such as 10.0.0).
    private static bool IsIPv4(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0') && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    // An IPv6 address without a zone (Go's net.ParseIP has none).
    private static bool IsIPv6(string text) =>
        text.Contains(':') && !text.Contains('%') && IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    private static bool IsPlatform(string text)
    {
        var parts = text.Split('/');
        return parts.Length is >= 1 and <= 3 && parts.All(p => p.Length > 0 && p.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'));
    }

    private long? Long(string name) => _values.TryGetValue(name, out var v) ? long.Parse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;

    internal List<string>? List(string name) => _lists.TryGetValue(name, out var list) && list.Count > 0 ? list : null;

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
    internal static Ulimit? ParseUlimit(string text)
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
