using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;

// The floor for bench/docker-compare.sh: the Engine API calls a deployment of N containers cannot
// avoid (one network; per container, create and start), made directly, with no planning, no
// records and no checks. Sequential by default; --parallel starts them all at once. Each container
// runs `sh -c SCRIPT` when --sh SCRIPT is given (docker-compare.sh passes the others' payload), else `sleep 3600`.
// The other shapes of asking for the same containers (docs/benchmarks.md 2f), to see what the engine
// makes of each with one client: --creates C and --starts S bound how many creates and how many
// starts are in flight at once (each container's start follows its own create, as in nulecule's
// pipeline; default unbounded with --parallel); --phased creates every container before starting any.
//   Nulecule.DockerFloor up PREFIX N IMAGE [--parallel] [--creates C] [--starts S] [--phased] [--sh SCRIPT]
//                                                              prints the elapsed milliseconds
//   Nulecule.DockerFloor down PREFIX N
if (args.Length < 3 || args[0] is not ("up" or "down"))
{
    Console.Error.WriteLine("usage: Nulecule.DockerFloor up PREFIX N IMAGE [--parallel] | down PREFIX N");
    return 2;
}

var prefix = args[1];
var count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var network = $"{prefix}-net";
using var client = new DockerClientBuilder().WithEndpoint(new Uri("unix:///var/run/docker.sock")).Build();

if (args[0] == "down")
{
    for (var i = 0; i < count; i++)
    {
        try
        {
            await client.Containers.RemoveContainerAsync(Name(i), new ContainerRemoveParameters { Force = true });
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }
    }

    try
    {
        await client.Networks.DeleteNetworkAsync(network);
    }
    catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
    {
    }

    return 0;
}

var image = args[3];
var parallel = args.Contains("--parallel");
var phased = args.Contains("--phased");
var script = Option("--sh");
var creates = new SemaphoreSlim(Option("--creates") is { } c ? int.Parse(c, System.Globalization.CultureInfo.InvariantCulture) : count);
var starts = new SemaphoreSlim(Option("--starts") is { } st ? int.Parse(st, System.Globalization.CultureInfo.InvariantCulture) : count);
IList<string> command = script is null ? ["sleep", "3600"] : ["sh", "-c", script];

var clock = Stopwatch.StartNew();
await client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = network, Driver = "bridge" });
if (phased)
{
    var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(CreateAsync));
    await Task.WhenAll(ids.Select(StartAsync));
}
else if (parallel)
{
    await Task.WhenAll(Enumerable.Range(0, count).Select(UpAsync));
}
else
{
    for (var i = 0; i < count; i++)
    {
        await UpAsync(i);
    }
}

Console.WriteLine(clock.ElapsedMilliseconds);
return 0;

async Task UpAsync(int i) => await StartAsync(await CreateAsync(i));

async Task<string> CreateAsync(int i)
{
    await creates.WaitAsync();
    try
    {
        return (await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = Name(i),
            Image = image,
            Cmd = command,
            Labels = new Dictionary<string, string> { ["bench.floor"] = prefix },
            HostConfig = new HostConfig { NetworkMode = network },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [network] = new EndpointSettings { Aliases = [$"s{i:D2}"] } },
            },
        })).ID;
    }
    finally
    {
        creates.Release();
    }
}

async Task StartAsync(string id)
{
    await starts.WaitAsync();
    try
    {
        await client.Containers.StartContainerAsync(id, new ContainerStartParameters());
    }
    finally
    {
        starts.Release();
    }
}

string? Option(string name) => Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;

string Name(int i) => $"{prefix}-s{i:D2}";
