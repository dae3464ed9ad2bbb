using Nulecule.Spec;
using Nulecule.Tests.TestSupport;

namespace Nulecule.Tests.Spec;

public class CorpusLoadTests
{
    public static TheoryData<string> Apps() => new(Corpus.AppNames());

    [CorpusTheory]
    [MemberData(nameof(Apps))]
    public void Should_load_every_corpus_app_without_errors(string app)
    {
        var result = NuleculeLoader.Load(Corpus.App(app));

        result.Diagnostics.Where(d => d.IsError).ShouldBeEmpty();
        result.Application!.Graph.ShouldNotBeEmpty();
    }

    [CorpusFact]
    public void Should_keep_the_type_of_defaults()
    {
        var app = NuleculeLoader.Load(Corpus.App("helloapache")).GetOrThrow();

        var hostport = app.Graph[0].Params.Single(p => p.Name == "hostport");
        hostport.Default.ShouldBe(new Scalar("80", ScalarKind.Integer));
        app.Params.Single().Default.ShouldBe(Scalar.String("kubernetes"));
    }

    [CorpusFact]
    public void Should_diagnose_gitlab_map_form_constraints_with_their_location()
    {
        var result = NuleculeLoader.Load(Corpus.App("gitlab-centos7-atomicapp"));

        result.Succeeded.ShouldBeTrue();
        var warnings = result.Diagnostics.Where(d => d.Message.Contains("constraints", StringComparison.Ordinal) || d.Message.Contains("allowed_patterns", StringComparison.Ordinal)).ToList();
        warnings.Count.ShouldBe(2);
        warnings[0].Location!.Line.ShouldBe(66);
        warnings[0].Location!.Column.ShouldBe(11);
        warnings[0].Location!.File.ShouldEndWith("gitlab-centos7-atomicapp/Nulecule");
        var nodePort = result.Application!.Graph[2].Params.Single(p => p.Name == "NODE_PORT");
        nodePort.Constraints.Single().Allows("30000").ShouldBeTrue();
        nodePort.Constraints.Single().Allows("80").ShouldBeFalse();
    }

    [CorpusFact]
    public void Should_read_inherit_and_nested_sources()
    {
        var app = NuleculeLoader.Load(Corpus.App("guestbookgo-atomicapp")).GetOrThrow();

        app.Graph[0].Artifacts["openshift"].Single().ShouldBeOfType<InheritArtifact>().Providers.ShouldBe(["kubernetes"]);
        app.Graph[1].Source.ShouldBe("docker://projectatomic/redis-centos7-atomicapp");
    }
}
