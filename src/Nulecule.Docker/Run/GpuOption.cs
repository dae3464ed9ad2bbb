using System.Globalization;
using Docker.DotNet.Models;

namespace Nulecule.Docker.Run;

/// <summary>
/// `--gpus all`, `--gpus 2`, `--gpus '"device=0,1"'`, `--gpus count=1,driver=nvidia,capabilities=compute`
/// read as the docker CLI reads them (opts/gpus.go) into one HostConfig.DeviceRequests entry: a
/// bare field is the count (`all` is -1); without a count or devices the count is 1; the
/// capabilities always include `gpu`.
/// </summary>
internal static class GpuOption
{
    public static DeviceRequest? Parse(string value, out string? error)
    {
        error = null;
        var fields = CsvFields.Read(value, out var csvError);
        if (fields is null)
        {
            error = csvError;
            return null;
        }

        var request = new DeviceRequest { Driver = "", Count = 0 };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            var eq = field.IndexOf('=');
            var key = eq < 0 ? field : field[..eq];
            var val = eq < 0 ? "" : field[(eq + 1)..];
            if (!seen.Add(key))
            {
                error = $"gpu request key '{key}' can be given only once";
                return null;
            }

            if (eq < 0)
            {
                seen.Add("count");
                if (Count(key, out error) is not { } bare)
                {
                    return null;
                }

                request.Count = bare;
                continue;
            }

            switch (key)
            {
                case "driver":
                    request.Driver = val;
                    break;
                case "count":
                    if (Count(val, out error) is not { } count)
                    {
                        return null;
                    }

                    request.Count = count;
                    break;
                case "device":
                    request.DeviceIDs = val.Split(',');
                    break;
                case "capabilities":
                    request.Capabilities = [[.. val.Split(','), "gpu"]];
                    break;
                case "options":
                    var options = CsvFields.Read(val, out var optionsError);
                    if (options is null)
                    {
                        error = $"cannot read the gpu options: {optionsError}";
                        return null;
                    }

                    var map = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var option in options)
                    {
                        var split = option.IndexOf('=');
                        map[split < 0 ? option : option[..split]] = split < 0 ? "" : option[(split + 1)..];
                    }

                    request.Options = map;
                    break;
                default:
                    error = $"unexpected key '{key}' in '{field}'";
                    return null;
            }
        }

        if (!seen.Contains("count") && request.DeviceIDs is null)
        {
            request.Count = 1;
        }

        request.Options ??= new Dictionary<string, string>(StringComparer.Ordinal);
        request.Capabilities ??= [["gpu"]];
        return request;
    }

    private static long? Count(string text, out string? error)
    {
        error = null;
        if (text == "all")
        {
            return -1;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count))
        {
            return count;
        }

        error = $"invalid count ({text}): a count is \"all\" or a whole number";
        return null;
    }
}
