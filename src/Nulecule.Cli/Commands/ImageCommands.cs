using System.CommandLine;
using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Images;
using Nulecule.Spec;

namespace Nulecule.Cli.Commands;

/// <summary>`nulecule fetch` and `nulecule build`: applications shipped as container images.</summary>
internal static class ImageCommands
{
    public static Command Fetch(CommandContext context)
    {
        var app = new Argument<string>("APP") { Description = "An image holding an app under /application-entity, or an app directory whose nested apps to fetch." };
        var destination = new Option<string?>("--destination") { Description = "Where to extract an image's app. Default: ./<image name>." };
        var noDeps = new Option<bool>("--no-deps") { Description = "Do not fetch nested applications (source: docker://...)." };
        var update = new Option<bool>("--update") { Description = "Replace what an earlier fetch extracted." };
        var command = new Command("fetch", "Extract an application from its image (and its nested apps into external/), or fetch the nested apps of an app directory.")
        {
            app, destination, noDeps, update,
        };
        context.Action(command, async (parse, output, ct) =>
        {
            var source = parse.GetValue(app)!;
            if (Directory.Exists(source))
            {
                if (parse.GetValue(update))
                {
                    foreach (var (name, _) in Apps.NestedSources(source))
                    {
                        // Resolved link by link: --update must never delete outside the app.
                        var dir = SafeFiles.ResolveInside(source, $"{Resolution.AppTreeLoader.ExternalDirectory}/{name}");
                        if (SafeFiles.KindOf(dir) == FileKind.Directory)
                        {
                            Directory.Delete(dir, recursive: true);
                        }
                    }
                }

                await Apps.FetchDependenciesAsync(context, source, ct);
                output.Result($"fetched the nested applications of {source} into {Path.Combine(source, Resolution.AppTreeLoader.ExternalDirectory)}/");
                return ExitCodes.Ok;
            }

            var target = parse.GetValue(destination) ?? Apps.Sanitize(source.Split('/')[^1].Split(':')[0]);
            await Apps.FetchImageAsync(context, source, target, withDependencies: !parse.GetValue(noDeps), replace: parse.GetValue(update), ct);
            output.Result($"fetched {source} into {target}");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Build(CommandContext context)
    {
        var app = Arguments.App();
        var tag = new Option<string>("--tag", "-t") { Description = "The image name to build.", Required = true };
        var baseImage = new Option<string>("--base") { Description = "Base image of the app image.", DefaultValueFactory = _ => ImageApplicationBuilder.DefaultBaseImage };
        var command = new Command("build", "Package an application as a container image (app under /application-entity, with the Nulecule labels).") { app, tag, baseImage };
        context.Action(command, async (parse, output, ct) =>
        {
            var application = NuleculeLoader.Load(parse.GetValue(app)!).GetOrThrow();
            var (client, _) = await DockerConnector.ConnectAsync(Apps.Endpoint(context), ct);
            using (client)
            {
                var id = await new ImageApplicationBuilder(client).BuildAsync(application.Directory, parse.GetValue(tag)!, parse.GetValue(baseImage)!,
                    application.SpecVersion, application.Providers, ct);
                output.Result($"built {parse.GetValue(tag)} ({id})");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
