using Nulecule.Spec;

namespace Nulecule.Tests.Spec;

public class NuleculeLoaderTests
{
    private static LoadResult Parse(string text) => NuleculeLoader.Parse(text, "/app/Nulecule", "Nulecule");

    [Fact]
    public async Task Should_refuse_a_billion_laughs_file_after_reading_each_shared_node_once()
    {
        // 9^30 nodes if each alias were followed; a walk per node reads 31 lists.
        var text = new System.Text.StringBuilder("specversion: 0.0.2\nid: laughs\nmetadata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 30; i++)
        {
            text.Append($"  a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        }

        text.Append("graph:\n  - name: web\n    params:\n      - name: x\n        description: a list bomb\n        default: *a29\n");

        // A guard against a walk that never ends, not a speed test: reading this takes milliseconds.
        var result = await Task.Run(() => Parse(text.ToString())).WaitAsync(TimeSpan.FromMinutes(2));

        result.Diagnostics.ShouldContain(d => d.IsError && d.Message.Contains("must be a scalar", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("? [a, b]\n  : c\n", 4, 5)]
    [InlineData("{k: 1}: c\n", 4, 3)]
    [InlineData("[a]: c\n", 4, 3)]
    public void Should_refuse_a_list_or_mapping_as_a_key_at_its_place(string key, int line, int column)
    {
        // YamlDotNet reads these (the block reader leaves them to it); the loader refuses them.
        var text = "specversion: 0.0.2\nid: keys\nmetadata:\n  " + key + "graph:\n  - name: web\n    artifacts:\n      docker: [file://run]\n";

        var result = Parse(text);

        var error = result.Diagnostics.ShouldHaveSingleItem();
        error.Message.ShouldBe("a mapping key must be a plain text key, not a list or a mapping");
        (error.Location!.Line, error.Location.Column).ShouldBe((line, column));
    }

    [Fact]
    public void Should_load_the_legacy_map_form_into_the_same_model()
    {
        var result = Parse("""
            specversion: 0.0.1-alpha
            id: legacy
            params:
              provider:
                description: default provider
                default: docker
            graph:
              web:
                params:
                  port:
                    description: the port
                    default: 80
                artifacts:
                  docker:
                    - inherit: [kubernetes]
                  kubernetes:
                    - inherit: [docker]
            """);

        // The cycle is the only error; the map form itself loads without complaint.
        result.Diagnostics.Where(d => d.IsError).ShouldAllBe(d => d.Message.StartsWith("inherit cycle", StringComparison.Ordinal));
        var ok = Parse("specversion: 0.0.1-alpha\nid: legacy\nparams:\n  provider:\n    description: p\n    default: docker\ngraph:\n  web:\n    source: docker://x/web\n");
        var app = ok.GetOrThrow();
        app.Params.Single().Name.ShouldBe("provider");
        app.Params.Single().Location.ShouldBe(new SourceLocation("Nulecule", 4, 3));
        app.Graph.Single().Name.ShouldBe("web");
        app.Graph.Single().Location.Line.ShouldBe(8);
        ok.Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void Should_load_json_with_locations()
    {
        var result = Parse("{\n  \"specversion\": \"0.0.2\",\n  \"id\": \"j\",\n  \"graph\": [\n    {\"name\": \"web\", \"source\": \"docker://x/web\", \"extra\": 1}\n  ]\n}\n");

        result.Succeeded.ShouldBeTrue();
        var warning = result.Diagnostics.Single();
        warning.Severity.ShouldBe(Severity.Warning);
        warning.Message.ShouldBe("unknown key 'extra' in component 'web'");
        warning.Location.ShouldBe(new SourceLocation("Nulecule", 5, 49));
    }

    [Fact]
    public void Should_warn_about_params_without_description_and_misspelt_keys()
    {
        var result = Parse("specversion: 0.0.2\nid: w\nparams:\n  - name: x\n    defualt: 1\ngraph:\n  - name: web\n    source: docker://x/web\n");

        result.Succeeded.ShouldBeTrue();
        result.Diagnostics.Select(d => d.ToString()).ShouldBe([
            "Nulecule:5:5: warning: unknown key 'defualt' in param 'x' (did you mean 'default'?)",
            "Nulecule:4:5: warning: param 'x' of global params has no description (the spec requires one; it is shown by `genanswers` and in error messages)",
        ]);
    }

    [Theory]
    [InlineData("4", "4Gi")]
    [InlineData("500Mi", "500Mi")]
    [InlineData("10Gi", "10Gi")]
    public void Should_read_volume_sizes_as_quantities(string size, string quantity)
    {
        var app = Parse($"specversion: 0.0.2\nid: v\nrequirements:\n  - persistentVolume:\n      name: data\n      accessMode: ReadWrite\n      size: {size}\ngraph:\n  - name: web\n    source: docker://x/web\n").GetOrThrow();

        var volume = app.Requirements.OfType<PersistentVolumeRequirement>().Single();
        volume.Size.ShouldBe(quantity);
        volume.KubernetesAccessMode.ShouldBe("ReadWriteOnce");
    }

    [Fact]
    public void Should_read_None_as_the_text_None_and_keep_types()
    {
        var app = Parse("specversion: 0.0.2\nid: t\nparams:\n  - {name: a, description: a, default: None}\n  - {name: b, description: b, default: true}\n  - {name: c, description: c, default: \"80\"}\n  - {name: d, description: d, default: 1.5}\n  - {name: e, description: e, default: null}\n  - {name: f, description: f, default: ~}\n  - {name: g, description: g, default: True}\ngraph:\n  - name: web\n    source: docker://x/web\n").GetOrThrow();

        // Atomic App read `default: None` as the text None ("set to None if no certificate is needed").
        app.Params[0].Default.ShouldBe(Scalar.String("None"));
        app.Params[4].Default.ShouldBeNull();
        app.Params[5].Default.ShouldBeNull();
        app.Params[6].Default.ShouldBe(new Scalar("True", ScalarKind.Boolean));
        app.Params[1].Default.ShouldBe(new Scalar("true", ScalarKind.Boolean));
        app.Params[2].Default.ShouldBe(Scalar.String("80"));
        app.Params[3].Default.ShouldBe(new Scalar("1.5", ScalarKind.Float));
    }

    [Fact]
    public void Should_accept_hidden_as_text()
    {
        var app = Parse("specversion: 0.0.2\nid: t\nparams:\n  - {name: a, description: a, hidden: \"true\"}\ngraph:\n  - name: web\n    source: docker://x/web\n").GetOrThrow();

        app.Params[0].Hidden.ShouldBeTrue();
    }
}
