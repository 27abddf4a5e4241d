using MeshScaler.Keda;

namespace MeshScaler.FunctionalTests.Keda;

public sealed class ScaledObjectComparerTests
{
    private static ScaledObjectRef Ref(string ns = "fm", string name = "so", params (string Key, string Value)[] metadata)
    {
        var reference = new ScaledObjectRef { Namespace = ns, Name = name };
        foreach (var (key, value) in metadata)
        {
            reference.ScalerMetadata.Add(key, value);
        }

        return reference;
    }

    public static TheoryData<string, ScaledObjectRef, ScaledObjectRef, bool> Cases => new()
    {
        { "same entries in another order", Ref(metadata: [("a", "1"), ("b", "2")]), Ref(metadata: [("b", "2"), ("a", "1")]), true },
        { "no metadata", Ref(), Ref(), true },
        { "another value", Ref(metadata: [("a", "1")]), Ref(metadata: [("a", "2")]), false },
        { "another key", Ref(metadata: [("a", "1")]), Ref(metadata: [("b", "1")]), false },
        { "one entry more", Ref(metadata: [("a", "1")]), Ref(metadata: [("a", "1"), ("b", "2")]), false },
        { "another namespace", Ref(ns: "x"), Ref(ns: "y"), false },
        { "another name", Ref(name: "x"), Ref(name: "y"), false },
        { "value and key swapped", Ref(metadata: [("a", "b")]), Ref(metadata: [("b", "a")]), false },
        { "case matters", Ref(metadata: [("topic", "A")]), Ref(metadata: [("topic", "a")]), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Equals_ComparesNamespaceNameAndEveryEntryInAnyOrder(string name, ScaledObjectRef x, ScaledObjectRef y, bool expected)
    {
        var comparer = ScaledObjectComparer.Instance;

        Assert.True(expected == comparer.Equals(x, y), name);
        Assert.True(expected == comparer.Equals(y, x), name);
        if (expected)
        {
            Assert.Equal(comparer.GetHashCode(x), comparer.GetHashCode(y));
        }
    }
}
