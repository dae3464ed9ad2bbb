using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Images;
using Nulecule.Resolution;
using Nulecule.Spec;

namespace Nulecule.Cli.Commands;

/// <summary>APP arguments: a directory, or an image holding the app under /application-entity.</summary>
internal static class Apps
{
    /// <summary>
    /// The directory of APP. An image is fetched (with its nested apps) into the state
    /// directory; a directory whose nested apps are missing gets them fetched into external/.
    /// The IMAGE environment variable names the app when APP is omitted (Atomic App's habit).
    /// Also returns the tree of a directory loaded on the way when nothing had to be fetched, so
    /// the render need not read it again.
    /// </summary>
    public static async Task<(string Path, AppTreeLoader.Result? Loaded)> LocateAsync(CommandContext context, string app, Output output, CancellationToken ct)
    {
        if (app == "." && !File.Exists(NuleculeLoader.FileName) && context.Environment.TryGetValue("IMAGE", out var image) && image.Length > 0)
        {
            app = image;
        }

        if (Directory.Exists(app) || File.Exists(app))
        {
            var loaded = AppTreeLoader.Load(app, requireNested: false);
            if (loaded.Missing.Count > 0)
            {
                output.Info($"fetching {loaded.Missing.Count} nested application(s) into {Path.Combine(app, AppTreeLoader.ExternalDirectory)}/");
                await FetchDependenciesAsync(context, app, ct);
                return (app, null);
            }

            return (app, loaded);
        }

        if (app.StartsWith('-'))
        {
            throw new NuleculeException($"unknown option '{app}'", null, "see `nulecule COMMAND --help` for the options");
        }

        if (!LooksLikeImage(app))
        {
            throw new NuleculeException($"no such application directory: {app}", null, "give a directory holding a Nulecule file, or an image name");
        }

        if (!ImageReference.IsValid(app))
        {
            throw new NuleculeException($"'{app}' is neither an application directory nor a valid image reference", null,
                "image names are lower case: [registry/]name[:tag][@digest], e.g. docker.io/projectatomic/helloapache:latest");
        }

        var destination = Path.Combine(StateDirectory(context.Environment), "apps", Sanitize(app));
        output.Info($"fetching {app} into {destination}");
        await FetchImageAsync(context, app, destination, withDependencies: true, replace: true, ct);
        if (NuleculeLoader.Load(destination).Application is { } fetched && AppTreeLoader.HostPaths(fetched).ToList() is { Count: > 0 } hostPaths)
        {
            throw new NuleculeException(hostPaths);
        }

        return (destination, null);
    }

    public static async Task FetchImageAsync(CommandContext context, string image, string destination, bool withDependencies, bool replace, CancellationToken ct)
    {
        if (!ImageReference.IsValid(image.StartsWith("docker://", StringComparison.Ordinal) ? image["docker://".Length..] : image))
        {
            throw new NuleculeException(image.StartsWith('-') ? $"unknown option '{image}'" : $"'{image}' is not a valid image reference", null,
                "image names are lower case: [registry/]name[:tag][@digest], e.g. docker.io/projectatomic/helloapache:latest");
        }

        var (client, _) = await DockerConnector.ConnectAsync(Endpoint(context), ct);
        using (client)
        {
            var fetcher = new ImageApplicationFetcher(client);
            if (withDependencies)
            {
                await fetcher.FetchWithDependenciesAsync(image, destination, NestedSources, replace, ct);
            }
            else
            {
                await fetcher.FetchAsync(image, destination, replace, ct);
            }
        }
    }

    public static async Task FetchDependenciesAsync(CommandContext context, string appDir, CancellationToken ct)
    {
        var (client, _) = await DockerConnector.ConnectAsync(Endpoint(context), ct);
        using (client)
        {
            var fetcher = new ImageApplicationFetcher(client);
            foreach (var (name, image) in NestedSources(appDir))
            {
                var target = SafeFiles.ResolveInside(appDir, $"{AppTreeLoader.ExternalDirectory}/{name}");
                if (!File.Exists(Path.Combine(target, NuleculeLoader.FileName)))
                {
                    await fetcher.FetchWithDependenciesAsync(image, target, NestedSources, replace: true, ct);
                }
            }
        }
    }

    /// <summary>The `source: docker://IMAGE` components of the app in <paramref name="appDir"/>.</summary>
    public static IEnumerable<(string Name, string Image)> NestedSources(string appDir) =>
        NuleculeLoader.Load(appDir).GetOrThrow().Graph
            .Where(c => c.Source is not null)
            .Select(c => (c.Name, c.Source!["docker://".Length..]))
            .ToList();

    public static EndpointEnvironment Endpoint(CommandContext context) =>
        EndpointEnvironment.From(context.Environment, context.Environment.GetValueOrDefault("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    public static string StateDirectory(IReadOnlyDictionary<string, string> environment) =>
        Nulecule.Releases.StateDirectory.Resolve(name => environment.GetValueOrDefault(name));

    private static bool LooksLikeImage(string text) =>
        text.Length > 0 && !text.StartsWith('.') && !text.StartsWith('/') && text.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:@".Contains(c));

    public static string Sanitize(string image) =>
        new(image.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? char.ToLowerInvariant(c) : '_').ToArray());
}
