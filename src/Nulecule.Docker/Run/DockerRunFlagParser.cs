using System.Globalization;
using Docker.DotNet.Models;
using Nulecule.Templating;

namespace Nulecule.Docker.Run;

/// <summary>The `docker run` option grammar. One instance per command.</summary>
internal sealed class DockerRunFlagParser
{
    private enum Kind
    {
        Bool,
        Value,
    }

    private static readonly Dictionary<string, (string Name, Kind Kind)> Long = new(StringComparer.Ordinal)
    {
        ["detach"] = ("detach", Kind.Bool),
        ["rm"] = ("rm", Kind.Bool),
        ["interactive"] = ("interactive", Kind.Bool),
        ["tty"] = ("tty", Kind.Bool),
        ["privileged"] = ("privileged", Kind.Bool),
        ["no-healthcheck"] = ("no-healthcheck", Kind.Bool),
        ["name"] = ("name", Kind.Value),
        ["hostname"] = ("hostname", Kind.Value),
        ["publish"] = ("publish", Kind.Value),
        ["expose"] = ("expose", Kind.Value),
        ["env"] = ("env", Kind.Value),
        ["env-file"] = ("env-file", Kind.Value),
        ["volume"] = ("volume", Kind.Value),
        ["link"] = ("link", Kind.Value),
        ["restart"] = ("restart", Kind.Value),
        ["network"] = ("network", Kind.Value),
        ["net"] = ("network", Kind.Value),
        ["entrypoint"] = ("entrypoint", Kind.Value),
        ["workdir"] = ("workdir", Kind.Value),
        ["user"] = ("user", Kind.Value),
        ["label"] = ("label", Kind.Value),
        ["cap-add"] = ("cap-add", Kind.Value),
        ["cap-drop"] = ("cap-drop", Kind.Value),
        ["health-cmd"] = ("health-cmd", Kind.Value),
        ["health-interval"] = ("health-interval", Kind.Value),
        ["health-timeout"] = ("health-timeout", Kind.Value),
        ["health-retries"] = ("health-retries", Kind.Value),
        ["health-start-period"] = ("health-start-period", Kind.Value),
        ["memory"] = ("memory", Kind.Value),
        ["cpus"] = ("cpus", Kind.Value),
        ["net-alias"] = ("network-alias", Kind.Value),
    };

    private static readonly Dictionary<char, string> Short = new()
    {
        ['d'] = "detach",
        ['i'] = "interactive",
        ['t'] = "tty",
        ['p'] = "publish",
        ['e'] = "env",
        ['v'] = "volume",
        ['w'] = "workdir",
        ['u'] = "user",
        ['l'] = "label",
        ['m'] = "memory",
        ['h'] = "hostname",
        ['c'] = "cpu-shares",
        ['P'] = "publish-all",
    };

    /// <summary>
    /// `docker run` flags of the docker CLI that nulecule refuses, and why: they need a terminal or
    /// the CLI's own state, or (`--volumes-from`) cannot keep their meaning across a release's
    /// replacements (docs/docker-run-flags.md).
    /// </summary>
    internal static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["attach"] = "it attaches the CLI's terminal to the container's streams; nulecule runs containers detached (read them with `nulecule logs`)",
        ["detach-keys"] = "it sets the key sequence that detaches the CLI's terminal; nulecule attaches no terminal",
        ["sig-proxy"] = "it forwards signals the CLI process receives; nulecule runs containers detached, with no CLI process to forward from",
        ["cidfile"] = "it makes the CLI write the container ID to a file on its machine; nulecule records containers in the release history",
        ["quiet"] = "it silences the CLI's pull progress output",
        ["disable-content-trust"] = "it turns off the CLI's own image signature check (Docker Content Trust is done by the client, not the engine)",
        ["pull"] = "it sets the CLI's pull policy; nulecule pulls a missing image itself",
        ["use-api-socket"] = "it mounts the CLI's own API socket and credentials into the container",
        ["help"] = "it prints the CLI's usage",
        ["volumes-from"] = "it copies the mounts of a container at the moment this one is created, and nulecule replaces a release's containers when they change (a replaced container's anonymous volumes are new ones, so the containers that read them would keep the old); share a named volume with -v or --mount instead",
    };

    private static readonly Dictionary<char, string> RefusedShort = new() { ['a'] = "attach", ['q'] = "quiet" };

    static DockerRunFlagParser()
    {
        foreach (var name in DockerRunSettings.SingleValued.Concat(DockerRunSettings.MultiValued).Append("label-file"))
        {
            Long[name] = (name, Kind.Value);
        }

        foreach (var name in DockerRunSettings.Switches)
        {
            Long[name] = (name, Kind.Bool);
        }
    }

    /// <summary>Every long option nulecule reads, for the flag table.</summary>
    internal static IReadOnlyCollection<string> Supported => Long.Keys;

    private readonly DockerRunCommand _command;
    private readonly string _artifactDirectory;
    private readonly Func<string, string?> _environment;
    private readonly Func<string, string?> _readFile;

    private readonly List<PortMapping> _ports = [];
    private readonly List<string> _expose = [];
    private readonly List<string> _env = [];
    private readonly List<VolumeSpec> _volumes = [];
    private readonly List<Mount> _mounts = [];
    private readonly List<LinkSpec> _links = [];
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly List<string> _capAdd = [];
    private readonly List<string> _capDrop = [];
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _lists = new(StringComparer.Ordinal);

    /// <param name="readFile">Reads an env or label file by its full path; null when there is none.</param>
    public DockerRunFlagParser(DockerRunCommand command, string artifactDirectory, Func<string, string?> environment, Func<string, string?>? readFile = null)
    {
        _command = command;
        _artifactDirectory = artifactDirectory;
        _environment = environment;
        _readFile = readFile ?? ReadFromDisk;
    }

    /// <summary>
    /// An env or label file as the docker CLI reads it, but only a regular file and bounded (a
    /// FIFO or /dev/zero would hang or exhaust memory); null when there is no such file.
    /// </summary>
    internal static string? ReadFromDisk(string full)
    {
        if (!File.Exists(full))
        {
            return null;
        }

        try
        {
            return TextFile.Read(full, SafeFiles.MaxAnswersBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NuleculeException(e.Message);
        }
    }

    public DockerRunArguments Parse()
    {
        var args = _command.Arguments;
        var i = 0;
        while (i < args.Count)
        {
            var arg = args[i];
            if (arg == "--")
            {
                i++;
                break;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=');
                var name = eq < 0 ? arg[2..] : arg[2..eq];
                if (Refused.TryGetValue(name, out var why))
                {
                    throw Fail($"docker run option '--{name}' is not supported: {why}");
                }

                if (!Long.TryGetValue(name, out var option))
                {
                    throw Fail($"unsupported docker run option '--{name}'", $"supported options: {string.Join(", ", Long.Keys.Select(k => "--" + k))}");
                }

                if (option.Kind == Kind.Bool)
                {
                    SetBool(option.Name, "--" + name, eq < 0 ? null : arg[(eq + 1)..]);
                    i++;
                }
                else if (eq >= 0)
                {
                    Apply(option.Name, "--" + name, arg[(eq + 1)..]);
                    i++;
                }
                else
                {
                    Apply(option.Name, "--" + name, ValueAfter(args, i, "--" + name));
                    i += 2;
                }

                continue;
            }

            if (arg.Length > 1 && arg[0] == '-')
            {
                i += ShortCluster(args, i);
                continue;
            }

            break;
        }

        CheckEndpointFlags();
        if (i >= args.Count)
        {
            throw Fail("no image given", "a docker artifact is `docker run [OPTIONS] IMAGE [COMMAND] [ARG...]`");
        }

        return new DockerRunArguments
        {
            Image = args[i],
            Command = args.Skip(i + 1).ToList(),
            Location = _command.Location,
            Detach = _flags.Contains("detach"),
            Name = _values.GetValueOrDefault("name"),
            Hostname = _values.GetValueOrDefault("hostname"),
            Ports = _ports,
            Expose = _expose,
            Environment = _env,
            Volumes = _volumes,
            Mounts = _mounts,
            Links = _links,
            Restart = _values.GetValueOrDefault("restart"),
            Network = _values.GetValueOrDefault("network"),
            Entrypoint = _values.GetValueOrDefault("entrypoint"),
            WorkingDir = _values.GetValueOrDefault("workdir"),
            User = _values.GetValueOrDefault("user"),
            Labels = _labels,
            Privileged = _flags.Contains("privileged"),
            CapAdd = _capAdd,
            CapDrop = _capDrop,
            Health = BuildHealth(),
            MemoryBytes = _values.TryGetValue("memory", out var memory) ? ValueParsers.ParseBytes(memory) : null,
            NanoCpus = _values.TryGetValue("cpus", out var cpus) ? ValueParsers.ParseNanoCpus(cpus) : null,
            Remove = _flags.Contains("rm"),
            Interactive = _flags.Contains("interactive"),
            Tty = _flags.Contains("tty"),
            Settings = new DockerRunSettings(_values, _lists, _flags),
        };
    }

    /// <summary>`-dit`, `-p8080:80`, `-dp 80:80`: booleans until a flag that takes the rest (or the next argument).</summary>
    private int ShortCluster(IReadOnlyList<string> args, int index)
    {
        var arg = args[index];
        for (var c = 1; c < arg.Length; c++)
        {
            if (RefusedShort.TryGetValue(arg[c], out var refused))
            {
                throw Fail($"docker run option '-{arg[c]}' (--{refused}) is not supported: {Refused[refused]}");
            }

            if (!Short.TryGetValue(arg[c], out var name))
            {
                throw Fail($"unsupported docker run option '-{arg[c]}'" + (arg.Length > 2 ? $" (in '{arg}')" : ""), "supported short options: -d -i -t -p -P -e -v -w -u -l -m -h -c");
            }

            var option = Long[name];
            if (option.Kind == Kind.Bool)
            {
                SetBool(option.Name, "-" + arg[c], null);
                continue;
            }

            var rest = arg[(c + 1)..];
            if (rest.Length > 0)
            {
                Apply(option.Name, "-" + arg[c], rest.StartsWith('=') ? rest[1..] : rest);
                return 1;
            }

            Apply(option.Name, "-" + arg[c], ValueAfter(args, index, "-" + arg[c]));
            return 2;
        }

        return 1;
    }

    private string ValueAfter(IReadOnlyList<string> args, int index, string flag)
    {
        if (index + 1 >= args.Count)
        {
            throw Fail($"option '{flag}' needs a value");
        }

        return args[index + 1];
    }

    private void SetBool(string name, string flag, string? value)
    {
        switch (value)
        {
            case null or "true" or "1":
                _flags.Add(name);
                break;
            case "false" or "0":
                _flags.Remove(name);
                break;
            default:
                throw Fail($"option '{flag}' takes true or false, not '{value}'");
        }
    }

    private void Apply(string name, string flag, string value)
    {
        switch (name)
        {
            case "publish":
                var ports = PortMapping.Parse(value, out var error);
                if (error is not null)
                {
                    throw Fail($"invalid {flag} value '{value}': {error}", "use [ip:][hostPort:]containerPort[/protocol]");
                }

                _ports.AddRange(ports);
                break;
            case "expose":
                _expose.Add(value.Contains('/') ? value : value + "/tcp");
                break;
            case "env":
                AddEnvironment(value);
                break;
            case "env-file":
                ReadEnvFile(flag, value);
                break;
            case "volume":
                _volumes.Add(ParseVolume(flag, value));
                break;
            case "link":
                var colon = value.IndexOf(':');
                var target = colon < 0 ? value : value[..colon];
                var alias = colon < 0 ? value : value[(colon + 1)..];
                if (target.Length == 0 || alias.Length == 0)
                {
                    throw Fail($"invalid {flag} value '{value}'", "use --link name:alias");
                }

                _links.Add(new LinkSpec(target.TrimStart('/'), alias));
                break;
            case "label":
                var eq = value.IndexOf('=');
                _labels[eq < 0 ? value : value[..eq]] = eq < 0 ? "" : value[(eq + 1)..];
                break;
            case "cap-add":
                _capAdd.Add(value);
                break;
            case "cap-drop":
                _capDrop.Add(value);
                break;
            case "restart":
                if (!IsRestartPolicy(value))
                {
                    throw Fail($"invalid {flag} value '{value}'", "use no, always, unless-stopped or on-failure[:max-retries]");
                }

                _values[name] = value;
                break;
            case "memory":
                if (ValueParsers.ParseBytes(value) is null)
                {
                    throw Fail($"invalid {flag} value '{value}'", "use a number with an optional unit b, k, m or g (e.g. 512m)");
                }

                _values[name] = value;
                break;
            case "cpus":
                if (ValueParsers.ParseNanoCpus(value) is null)
                {
                    throw Fail($"invalid {flag} value '{value}'", "use a positive decimal number of CPUs (e.g. 1.5)");
                }

                _values[name] = value;
                break;
            case "health-interval" or "health-timeout" or "health-start-period":
                if (ValueParsers.ParseDuration(value) is null)
                {
                    throw Fail($"invalid {flag} value '{value}'", "use a duration such as 30s, 1m30s or 500ms");
                }

                _values[name] = value;
                break;
            case "health-retries":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    throw Fail($"invalid {flag} value '{value}'", "use a whole number");
                }

                _values[name] = value;
                break;
            case "label-file":
                ReadLabelFile(flag, value);
                break;
            case "mount":
                var mount = MountOption.Parse(value, _artifactDirectory, out var mountError);
                if (mount is null)
                {
                    throw Fail($"invalid {flag} value '{value}': {mountError!.Value.Problem}", mountError.Value.Hint);
                }

                _mounts.Add(mount);
                AddToList(name, value);
                break;
            case var listed when DockerRunSettings.MultiValued.Contains(listed):
                Check(name, flag, value);
                AddToList(name, value);
                break;
            case var single when DockerRunSettings.SingleValued.Contains(single):
                Check(name, flag, value);
                _values[name] = value;
                break;
            case "name":
                if (!IsContainerName(value))
                {
                    throw Fail($"invalid {flag} value '{value}'", "a container name is letters, digits, '_', '.' and '-', starting with a letter or digit");
                }

                _values[name] = value;
                break;
            default:
                _values[name] = value;
                break;
        }
    }

    private void AddToList(string name, string value)
    {
        if (!_lists.TryGetValue(name, out var list))
        {
            _lists[name] = list = [];
        }

        list.Add(value);
    }

    /// <summary>
    /// The endpoint flags need a network they can apply to, as with the docker CLI and the engine:
    /// aliases and fixed addresses only on user-defined networks, and fixed addresses only on one
    /// whose subnet was configured, which the release's own network is not (the engine picks it).
    /// </summary>
    private void CheckEndpointFlags()
    {
        var network = _values.GetValueOrDefault("network");
        var fixedAddress = new[] { "ip", "ip6" }.Where(_values.ContainsKey).Select(f => "--" + f).ToList();
        if (network is null && fixedAddress.Count > 0)
        {
            throw Fail(
                $"{string.Join(" and ", fixedAddress)} {(fixedAddress.Count == 1 ? "needs" : "need")} a network with a configured subnet, and the release's own network has none (the engine picks its subnet)",
                "create a network with `docker network create --subnet …` (and --ipv6 for --ip6) and give it with --network NAME");
        }

        if (network is not null && !IsUserDefinedNetwork(network))
        {
            var scoped = new[] { "network-alias", "link-local-ip" }.Where(_lists.ContainsKey).Select(f => "--" + f).Concat(fixedAddress).ToList();
            if (scoped.Count > 0)
            {
                throw Fail(
                    $"{string.Join(", ", scoped)} apply only to user-defined networks, not to --network {network}",
                    "leave out --network (the release's own network), or name a network made with `docker network create`");
            }
        }
    }

    private static bool IsUserDefinedNetwork(string network) =>
        network is not ("default" or "bridge" or "host" or "none") && !network.StartsWith("container:", StringComparison.Ordinal);

    private void Check(string name, string flag, string value)
    {
        if (DockerRunSettings.Check(name, value) is { } problem)
        {
            throw Fail($"invalid {flag} value '{value}': {problem.Problem}", problem.Hint);
        }
    }

    private void ReadLabelFile(string flag, string path)
    {
        foreach (var raw in ReadLines(flag, path, "label-file"))
        {
            var line = raw.TrimStart();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                var eq = line.IndexOf('=');
                _labels[eq < 0 ? line : line[..eq]] = eq < 0 ? "" : line[(eq + 1)..];
            }
        }
    }

    /// <summary>The lines of an env or label file, its path relative to the artifact's directory.</summary>
    private IEnumerable<string> ReadLines(string flag, string path, string kind)
    {
        var full = Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(_artifactDirectory, path));
        string? text;
        try
        {
            text = _readFile(full);
        }
        catch (NuleculeException e)
        {
            throw Fail($"{flag} {path}: {e.Diagnostics[0].Message}", $"{(kind == "env-file" ? "an env" : "a label")} file is a regular text file of at most {SafeFiles.Limit(SafeFiles.MaxAnswersBytes)}");
        }

        if (text is null)
        {
            throw Fail($"{flag} {path}: file {full} does not exist", $"{kind} paths are relative to the artifact's directory");
        }

        return text.Split('\n').Select(line => line.TrimEnd('\r'));
    }

    private void AddEnvironment(string value)
    {
        var eq = value.IndexOf('=');
        if (eq == 0)
        {
            throw Fail($"invalid environment variable '{value}': no name");
        }

        if (eq > 0)
        {
            _env.Add(value);
            return;
        }

        // Bare NAME: the value comes from our own environment, as with the docker CLI.
        var fromProcess = _environment(value);
        if (fromProcess is not null)
        {
            _env.Add($"{value}={fromProcess}");
        }
    }

    private void ReadEnvFile(string flag, string path)
    {
        foreach (var raw in ReadLines(flag, path, "env-file"))
        {
            var line = raw.TrimStart();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            AddEnvironment(line);
        }
    }

    private VolumeSpec ParseVolume(string flag, string value)
    {
        var parts = value.Split(':');
        if (parts.Length is < 1 or > 3 || parts.Any(p => p.Length == 0))
        {
            throw Fail($"invalid {flag} value '{value}'", "use source:target[:ro], or just target for an anonymous volume");
        }

        if (parts.Length == 1)
        {
            // An anonymous volume: the image path gets a fresh volume.
            return new VolumeSpec("", parts[0], false, true);
        }

        var readOnly = false;
        if (parts.Length == 3)
        {
            var modes = parts[2].Split(',');
            if (modes.Any(m => m is not ("ro" or "rw" or "z" or "Z")))
            {
                throw Fail($"invalid {flag} mode '{parts[2]}' in '{value}'", "supported modes: ro, rw, z, Z");
            }

            readOnly = modes.Contains("ro");
        }

        var source = parts[0];
        if (!parts[1].StartsWith('/'))
        {
            throw Fail($"invalid {flag} value '{value}': the target '{parts[1]}' must be an absolute path");
        }

        if (source.StartsWith('/'))
        {
            return new VolumeSpec(source, parts[1], readOnly, false);
        }

        if (source.StartsWith('.') || source.StartsWith('~'))
        {
            var home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
            var resolved = source.StartsWith('~') ? home + source[1..] : Path.GetFullPath(Path.Combine(_artifactDirectory, source));
            return new VolumeSpec(resolved, parts[1], readOnly, false);
        }

        if (!IsContainerName(source))
        {
            throw Fail($"invalid {flag} source '{source}'", "a volume name is letters, digits, '_', '.' and '-'; a bind mount source is an absolute path");
        }

        return new VolumeSpec(source, parts[1], readOnly, true);
    }

    private HealthSpec? BuildHealth()
    {
        var disabled = _flags.Contains("no-healthcheck");
        var any = disabled || _values.Keys.Any(k => k.StartsWith("health-", StringComparison.Ordinal));
        if (!any)
        {
            return null;
        }

        if (disabled && _values.ContainsKey("health-cmd"))
        {
            throw Fail("--no-healthcheck conflicts with --health-cmd");
        }

        TimeSpan? Duration(string key) => _values.TryGetValue(key, out var v) ? ValueParsers.ParseDuration(v) : null;
        return new HealthSpec(
            _values.GetValueOrDefault("health-cmd"),
            disabled,
            Duration("health-interval"),
            Duration("health-timeout"),
            Duration("health-start-period"),
            _values.TryGetValue("health-retries", out var r) ? int.Parse(r, CultureInfo.InvariantCulture) : null);
    }

    private static bool IsRestartPolicy(string value)
    {
        if (value is "no" or "always" or "unless-stopped" or "on-failure")
        {
            return true;
        }

        return value.StartsWith("on-failure:", StringComparison.Ordinal)
            && int.TryParse(value["on-failure:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    internal static bool IsContainerName(string value) =>
        value.Length > 0 && char.IsAsciiLetterOrDigit(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private NuleculeException Fail(string message, string? hint = null) =>
        new(message, _command.Location, hint);
}
