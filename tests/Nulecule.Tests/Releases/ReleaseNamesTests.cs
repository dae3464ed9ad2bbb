using Nulecule.Releases;

namespace Nulecule.Tests.Releases;

public class ReleaseNamesTests
{
    [Theory]
    [InlineData("a", true)]
    [InlineData("shop-2", true)]
    [InlineData("0day", true)]
    [InlineData("Shop", false)]
    [InlineData("shop_db", false)]
    [InlineData("shop.db", false)]
    [InlineData("-shop", false)]
    [InlineData("shop-", false)]
    [InlineData("", false)]
    [InlineData("a:b", false)]
    public void Should_accept_only_dns_labels(string name, bool valid) => ReleaseNames.IsValid(name).ShouldBe(valid);

    [Fact]
    public void Should_allow_53_characters_and_no_more()
    {
        ReleaseNames.IsValid(new string('a', 53)).ShouldBeTrue();
        ReleaseNames.IsValid(new string('a', 54)).ShouldBeFalse();
        Should.Throw<NuleculeException>(() => ReleaseNames.Check(new string('a', 54))).Diagnostics.Single().Hint.ShouldBe(ReleaseNames.Rule);
    }

    [Theory]
    [InlineData("My_App.v2", "my-app-v2")]
    [InlineData("--x--", "x")]
    public void Should_derive_a_valid_name_from_an_app_id(string appId, string release)
    {
        ReleaseNames.FromAppId(appId).ShouldBe(release);
        ReleaseNames.FromAppId(new string('b', 80)).Length.ShouldBe(ReleaseNames.MaxLength);
    }
}
