using System.Text.Json;

namespace StaticAttention.Tests.Fixtures;

/// <summary>The golden fixtures copied to the test output (<c>Fixtures/*</c>) and their <c>cases.json</c>.</summary>
internal static class FixtureFiles
{
    public static string PathOf(string fileName) => Path.Combine(AppContext.BaseDirectory, "Fixtures", fileName);

    /// <summary>Every case of <c>cases.json</c>, parsed.</summary>
    public static IReadOnlyList<FixtureDescription> Cases { get; } = LoadCases();

    public static FixtureDescription Case(string name) => Cases.Single(c => c.Name == name);

    private static List<FixtureDescription> LoadCases()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(PathOf("cases.json")));
        var cases = new List<FixtureDescription>();
        foreach (JsonElement item in document.RootElement.EnumerateArray())
        {
            cases.Add(new FixtureDescription(
                item.GetProperty("name").GetString()!,
                item.GetProperty("weights").GetString()!,
                item.GetProperty("weight_prefix").GetString()!,
                Strings(item.GetProperty("weight_names")),
                item.GetProperty("io").GetString()!,
                Strings(item.GetProperty("inputs")),
                Strings(item.GetProperty("expected"))));
        }

        return cases;
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}

/// <summary>One case of <c>cases.json</c>: its files, weight names and io tensor descriptions (<c>"x F32 [6,8,64]"</c>).</summary>
internal sealed record FixtureDescription(
    string Name, string Weights, string WeightPrefix, string[] WeightNames, string Io, string[] Inputs, string[] Expected);
