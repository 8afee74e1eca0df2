using StaticAttention.Generator.Tests.Snapshots;

namespace StaticAttention.Generator.Tests;

/// <summary>
/// The runtime's public API, compared with the checked-in <c>Snapshots/RuntimePublicApi.verified.cs</c> as the emitted
/// code is: a change to what users can call fails here until the list is reviewed and accepted
/// (<c>STATICATTENTION_ACCEPT_SNAPSHOTS=1</c>).
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void Runtime_public_api_is_the_checked_in_list()
    {
        string api = PublicApiLister.List(typeof(MultiHeadAttentionAttribute).Assembly);
        Snapshot.Match(api, "RuntimePublicApi");
    }

    [Fact]
    public void The_lister_writes_declarations_with_csharp_names()
    {
        Assert.Equal("float[]", PublicApiLister.Name(typeof(float[])));
        Assert.Equal("ReadOnlySpan<float>", PublicApiLister.Name(typeof(ReadOnlySpan<float>)));
        Assert.Equal("int?", PublicApiLister.Name(typeof(int?)));
        Assert.Equal("Dictionary<string, List<int>>", PublicApiLister.Name(typeof(Dictionary<string, List<int>>)));

        string api = PublicApiLister.List(typeof(MultiHeadAttentionAttribute).Assembly);
        Assert.Contains("public sealed class StaticAttention.MultiHeadAttentionAttribute : Attribute\n", api);
        Assert.Contains("    public int Heads { get; set; }\n", api);
        Assert.Contains("public enum StaticAttention.Projections\n", api);
    }
}
