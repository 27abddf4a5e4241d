namespace MeshScaler.Kubernetes.Tests;

/// <summary>The SubjectAccessReview cache key: two different questions never share one, whatever the names contain.</summary>
public sealed class ClusterReviewsTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> NoExtra = [];

    /// <summary>Named pairs of different questions whose fields, simply joined, would read the same.</summary>
    public static TheoryData<string, AccessRequest, AccessRequest> Different => new()
    {
        {
            "a separator moved between user and uid",
            Get(new ApiUser("a\u0001b", null, [], NoExtra)),
            Get(new ApiUser("a", "b", [], NoExtra))
        },
        {
            "one group holding the separator, or two groups",
            Get(new ApiUser("u", null, ["a\u0002b"], NoExtra)),
            Get(new ApiUser("u", null, ["a", "b"], NoExtra))
        },
        {
            "a group's text moved into the next field",
            Get(new ApiUser("u", null, ["a;"], NoExtra)),
            Get(new ApiUser("u", null, ["a"], new Dictionary<string, IReadOnlyList<string>> { [";"] = [] }))
        },
        {
            "an extra's value moved into its key",
            Get(new ApiUser("u", null, [], new Dictionary<string, IReadOnlyList<string>> { ["k"] = ["v"] })),
            Get(new ApiUser("u", null, [], new Dictionary<string, IReadOnlyList<string>> { ["kv"] = [] }))
        },
        {
            "null and empty",
            Get(new ApiUser("u", null, [], NoExtra)),
            Get(new ApiUser("u", string.Empty, [], NoExtra))
        },
        {
            "namespace and name swapped",
            new AccessRequest(new ApiUser("u", null, [], NoExtra), "get", Namespace: "x", Name: null),
            new AccessRequest(new ApiUser("u", null, [], NoExtra), "get", Namespace: null, Name: "x")
        },
    };

    [Theory]
    [MemberData(nameof(Different))]
    public void Key_DifferentQuestions_DifferentKeys(string name, AccessRequest first, AccessRequest second)
    {
        Assert.True(ClusterReviews.Key(first) != ClusterReviews.Key(second), name);
    }

    [Fact]
    public void Key_TheSameQuestion_TheSameKey_WhateverTheExtrasOrder()
    {
        var first = Get(new ApiUser("u", "1", ["g"], new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["1"], ["b"] = ["2"] }));
        var second = Get(new ApiUser("u", "1", ["g"], new Dictionary<string, IReadOnlyList<string>> { ["b"] = ["2"], ["a"] = ["1"] }));

        Assert.Equal(ClusterReviews.Key(first), ClusterReviews.Key(second));
    }

    private static AccessRequest Get(ApiUser user) => new(user, "get", Path: "/apis");
}
