using Docker.DotNet.Models;

namespace Nulecule.Docker.Run;

/// <summary>
/// `--mount type=bind|volume|tmpfs,source=…,target=…[,readonly][,…]` read as the docker CLI reads it
/// (opts/mount.go): comma-separated key=value fields, keys case-insensitive, type volume by
/// default, a source starting with `.` made absolute (here: relative to the artifact's directory).
/// Keys that need an Engine API newer than 1.41 are refused with the version they need.
/// </summary>
internal static class MountOption
{
    private static readonly Dictionary<string, string> NeedsNewerEngine = new(StringComparer.Ordinal)
    {
        ["volume-subpath"] = "1.45",
        ["image-subpath"] = "1.47",
    };

    /// <summary>The mount, or null with what is wrong and how to write it.</summary>
    public static Mount? Parse(string value, string artifactDirectory, out (string Problem, string Hint)? error)
    {
        const string Hint = "use --mount type=bind|volume|tmpfs,source=SRC,target=/path[,readonly] (the docker CLI's syntax)";
        error = null;
        var fields = CsvFields.Read(value, out var csvError);
        if (fields is null)
        {
            error = (csvError!, Hint);
            return null;
        }

        var mount = new Mount { Type = "volume" };
        VolumeOptions Volume() => mount.VolumeOptions ??= new VolumeOptions { Labels = new Dictionary<string, string>(StringComparer.Ordinal), DriverConfig = new Driver() };
        BindOptions Bind() => mount.BindOptions ??= new BindOptions();
        TmpfsOptions Tmpfs() => mount.TmpfsOptions ??= new TmpfsOptions();

        foreach (var field in fields)
        {
            var eq = field.IndexOf('=');
            var key = (eq < 0 ? field : field[..eq]).ToLowerInvariant();
            var val = eq < 0 ? "" : field[(eq + 1)..];
            if (NeedsNewerEngine.TryGetValue(key, out var version))
            {
                error = ($"'{key}' needs Engine API {version} or newer (the engines nulecule supports start at 1.41)", Hint);
                return null;
            }

            if (eq < 0)
            {
                switch (key)
                {
                    case "readonly" or "ro":
                        mount.ReadOnly = true;
                        continue;
                    case "volume-nocopy":
                        Volume().NoCopy = true;
                        continue;
                    case "bind-nonrecursive":
                        Bind().NonRecursive = true;
                        continue;
                    default:
                        error = ($"field '{field}' must be a key=value pair", Hint);
                        return null;
                }
            }

            switch (key)
            {
                case "type":
                    mount.Type = val.ToLowerInvariant();
                    break;
                case "source" or "src":
                    mount.Source = val.StartsWith('.') ? Path.GetFullPath(Path.Combine(artifactDirectory, val)) : val;
                    break;
                case "target" or "dst" or "destination":
                    mount.Target = val;
                    break;
                case "readonly" or "ro":
                    if (GoBool(val) is not { } readOnly)
                    {
                        return Invalid(key, val, "use true or false", out error);
                    }

                    mount.ReadOnly = readOnly;
                    break;
                case "consistency":
                    mount.Consistency = val.ToLowerInvariant();
                    break;
                case "bind-propagation":
                    Bind().Propagation = val.ToLowerInvariant();
                    break;
                case "bind-nonrecursive":
                    if (GoBool(val) is not { } nonRecursive)
                    {
                        return Invalid(key, val, "use true or false", out error);
                    }

                    Bind().NonRecursive = nonRecursive;
                    break;
                case "bind-recursive":
                    switch (val)
                    {
                        case "enabled":
                            break;
                        case "disabled":
                            Bind().NonRecursive = true;
                            break;
                        case "writable" or "readonly":
                            error = ($"bind-recursive={val} needs Engine API 1.44 or newer (the engines nulecule supports start at 1.41)", "use bind-recursive=enabled or disabled");
                            return null;
                        default:
                            return Invalid(key, val, "use enabled or disabled", out error);
                    }

                    break;
                case "volume-nocopy":
                    if (GoBool(val) is not { } noCopy)
                    {
                        return Invalid(key, val, "use true or false", out error);
                    }

                    Volume().NoCopy = noCopy;
                    break;
                case "volume-label":
                    AddKeyValue(Volume().Labels!, val);
                    break;
                case "volume-driver":
                    Volume().DriverConfig!.Name = val;
                    break;
                case "volume-opt":
                    AddKeyValue(Volume().DriverConfig!.Options ??= new Dictionary<string, string>(StringComparer.Ordinal), val);
                    break;
                case "tmpfs-size":
                    if (ValueParsers.ParseBytes(val) is not { } size)
                    {
                        return Invalid(key, val, "use a size such as 64m", out error);
                    }

                    Tmpfs().SizeBytes = size;
                    break;
                case "tmpfs-mode":
                    if (!TryParseOctal(val, out var mode))
                    {
                        return Invalid(key, val, "use an octal file mode such as 1770", out error);
                    }

                    Tmpfs().Mode = mode;
                    break;
                default:
                    error = ($"unexpected key '{key}' in '{field}'", Hint);
                    return null;
            }
        }

        if (mount.Type is "npipe" or "cluster" or "image")
        {
            error = ($"type={mount.Type} is not supported: " + mount.Type switch
            {
                "npipe" => "named pipes are a Windows engine's",
                "cluster" => "cluster volumes belong to a swarm's services",
                _ => "image mounts need Engine API 1.47 or newer",
            }, "use type=bind, volume or tmpfs");
            return null;
        }

        if (mount.Type.Length == 0)
        {
            error = ("type is required", Hint);
            return null;
        }

        if (mount.Type is not ("bind" or "volume" or "tmpfs"))
        {
            error = ($"unknown mount type '{mount.Type}'", "use type=bind, volume or tmpfs");
            return null;
        }

        if (string.IsNullOrEmpty(mount.Target))
        {
            error = ("target is required", Hint);
            return null;
        }

        foreach (var (options, prefix, type) in new (object?, string, string)[]
                 {
                     (mount.VolumeOptions, "volume-*", "volume"), (mount.BindOptions, "bind-*", "bind"), (mount.TmpfsOptions, "tmpfs-*", "tmpfs"),
                 })
        {
            if (options is not null && mount.Type != type)
            {
                error = ($"cannot mix '{prefix}' options with mount type '{mount.Type}'", Hint);
                return null;
            }
        }

        return mount;
    }

    private static Mount? Invalid(string key, string value, string hint, out (string Problem, string Hint)? error)
    {
        error = ($"invalid value for {key}: {value}", hint);
        return null;
    }

    private static void AddKeyValue(IDictionary<string, string> target, string value)
    {
        var eq = value.IndexOf('=');
        var key = eq < 0 ? value : value[..eq];
        if (key.Length > 0)
        {
            target[key] = eq < 0 ? "" : value[(eq + 1)..];
        }
    }

    /// <summary>Go's strconv.ParseBool.</summary>
    internal static bool? GoBool(string value) => value switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };

    private static bool TryParseOctal(string text, out uint value)
    {
        value = 0;
        if (text.Length is 0 or > 11)
        {
            return false;
        }

        ulong result = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            result = (result * 8) + (ulong)(c - '0');
        }

        if (result > uint.MaxValue)
        {
            return false;
        }

        value = (uint)result;
        return true;
    }
}
