using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> RunnerPod = new()
    {
        ["app"] = "function-mesh",
        ["component"] = "function",
        ["name"] = "order-enricher",
        ["compute.functionmesh.io/app"] = "function-mesh",
        ["replicas"] = "3",
    };

    /// <summary>Name, selector, whether it selects <see cref="RunnerPod"/>, and its canonical form.</summary>
    public static TheoryData<string, string, bool, string> Selectors => new()
    {
        { "empty selects everything", "", true, "" },
        { "equals", "app=function-mesh", true, "app=function-mesh" },
        { "double equals", "app==function-mesh", true, "app=function-mesh" },
        { "equals, other value", "app=other", false, "app=other" },
        { "not equals", "component!=sink", true, "component!=sink" },
        { "not equals on a missing key", "team!=a", true, "team!=a" },
        { "in, values sorted", "name in (z-fn,order-enricher)", true, "name in (order-enricher,z-fn)" },
        { "in without a space", "name in(order-enricher)", true, "name in (order-enricher)" },
        { "notin", "name notin (a,b)", true, "name notin (a,b)" },
        { "exists", "component", true, "component" },
        { "does not exist", "!team", true, "!team" },
        { "does not exist, present", "!app", false, "!app" },
        { "prefixed key", "compute.functionmesh.io/app=function-mesh", true, "compute.functionmesh.io/app=function-mesh" },
        { "greater than", "replicas>2", true, "replicas>2" },
        { "less than", "replicas<3", false, "replicas<3" },
        { "several, all must hold", "app=function-mesh,component in (function,sink),!team", true, "app=function-mesh,component in (function,sink),!team" },
        { "several, one fails", "app=function-mesh,component=sink", false, "app=function-mesh,component=sink" },
        { "spaces around", " app = function-mesh , component ", true, "app=function-mesh,component" },
    };

    [Theory]
    [MemberData(nameof(Selectors))]
    public void TryParse_ValidSelectors_MatchAndPrintCanonically(string name, string text, bool selects, string canonical)
    {
        Assert.True(LabelSelector.TryParse(text, out var selector, out var error), $"{name}: {error}");
        Assert.Equal(selects, selector.Matches(RunnerPod));
        Assert.Equal(canonical, selector.ToString());
    }

    /// <summary>Name, selector, what the error must say.</summary>
    public static TheoryData<string, string, string> Malformed => new()
    {
        { "empty requirement", "app=a,,b=c", "unable to parse requirement '': empty requirement" },
        { "empty key", "=a", "the key is empty" },
        { "in without parentheses", "name in a,b", "must be in parentheses" },
        { "unclosed parenthesis", "name in (a,b", "unable to parse requirement 'name in (a,b'" },
        { "empty in", "name in ()", "needs at least one value" },
        { "bad key character", "ap$p=a", "key 'ap$p'" },
        { "bad prefix", "Compute.IO/app=a", "the prefix must be a DNS subdomain" },
        { "value too long", "app=" + new string('a', 64), "must be at most 63" },
        { "bad value character", "app=a b", "value 'a b'" },
        { "non-integer comparison", "replicas>many", "must be an integer" },
        { "only a bang", "!", "the key is empty" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryParse_Malformed_FailsNamingTheRequirement(string name, string text, string expected)
    {
        Assert.False(LabelSelector.TryParse(text, out var selector, out var error), name);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.True(selector.IsEverything);
    }
}
