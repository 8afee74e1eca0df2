using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace StaticAttention.Generator.Tests;

/// <summary>
/// The pipeline is incremental: an edit that does not touch a layer's attribute leaves the tracked steps Cached or
/// Unchanged and the source output Cached; an attribute edit regenerates that layer (and only that one).
/// </summary>
public sealed class IncrementalityTests
{
    private const string SourceOutput = "SourceOutput"; // Roslyn's WellKnownGeneratorOutputs.SourceOutput

    private const string Temporal = """
        using StaticAttention;

        namespace Samples.Attention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, QkvBias = true, OutputBias = true, RelativePositionBias = true)]
        public partial class TemporalAttention;
        """;

    private const string Cross = """
        using StaticAttention;

        namespace Samples.Attention;

        [MultiHeadAttention(Heads = 5, ModelDim = 40, QueryTokens = 4, KeyTokens = 6, Projections = Projections.Separate, Mask = AttentionMask.ValidLengths)]
        public partial class CrossAttention;
        """;

    private const string Unrelated = """
        namespace Samples;

        public static class Helpers
        {
            public static int Twice(int x) => 2 * x;
        }
        """;

    [Fact]
    public void Adding_an_unrelated_class_leaves_everything_cached()
    {
        GeneratorRun first = GeneratorHarness.Run(Temporal, Unrelated);

        GeneratorRun second = GeneratorHarness.Run(
            first.Driver,
            first.InputCompilation.AddSyntaxTrees(GeneratorHarness.Parse("namespace Samples; public sealed class Other { }", "Other.cs")));

        AssertUnchanged(second, TrackingNames.LayerModels);
        AssertAllOutputs(second, SourceOutput, IncrementalStepRunReason.Cached);
        Assert.Equal(Text(first), Text(second));
    }

    [Fact]
    public void Editing_another_file_leaves_everything_cached()
    {
        GeneratorRun first = GeneratorHarness.Run(Temporal, Unrelated);
        SyntaxTree unrelated = first.InputCompilation.SyntaxTrees.Last();

        GeneratorRun second = GeneratorHarness.Run(
            first.Driver,
            first.InputCompilation.ReplaceSyntaxTree(unrelated, unrelated.WithChangedText(
                unrelated.GetText(TestContext.Current.CancellationToken).Replace(0, 0, "// A comment.\n"))));

        AssertUnchanged(second, TrackingNames.LayerModels);
        AssertAllOutputs(second, SourceOutput, IncrementalStepRunReason.Cached);
        Assert.Equal(Text(first), Text(second));
    }

    [Fact]
    public void A_comment_in_the_layers_own_file_regenerates_nothing()
    {
        GeneratorRun first = GeneratorHarness.Run(Temporal);

        GeneratorRun second = GeneratorHarness.Run(
            first.Driver,
            ReplaceFirst(first.InputCompilation, Temporal.Replace("namespace Samples.Attention;", "// The temporal block.\nnamespace Samples.Attention;")));

        AssertUnchanged(second, TrackingNames.LayerModels);
        AssertAllOutputs(second, SourceOutput, IncrementalStepRunReason.Cached);
        Assert.Equal(Text(first), Text(second));
    }

    [Fact]
    public void Changing_an_attribute_argument_regenerates_the_layer()
    {
        GeneratorRun first = GeneratorHarness.Run(Temporal);

        GeneratorRun second = GeneratorHarness.Run(
            first.Driver,
            ReplaceFirst(first.InputCompilation, Temporal.Replace("Tokens = 8", "Tokens = 16")));

        Assert.Equal(
            [IncrementalStepRunReason.Modified],
            Outputs(second, TrackingNames.LayerModels).Select(output => output.Reason));
        AssertAllOutputs(second, SourceOutput, IncrementalStepRunReason.Modified);
        Assert.NotEqual(Text(first), Text(second));
        second.AssertCompilesCleanly();
    }

    [Fact]
    public void Changing_one_layer_leaves_the_other_layer_cached()
    {
        GeneratorRun first = GeneratorHarness.Run(Temporal, Cross);
        string crossBefore = Text(first, "Samples.Attention.CrossAttention.g.cs");

        GeneratorRun second = GeneratorHarness.Run(
            first.Driver,
            ReplaceFirst(first.InputCompilation, Temporal.Replace("OutputBias = true", "OutputBias = false")));

        // The untouched layer's model may be recomputed (Unchanged) or reused (Cached), but its code is not rewritten.
        IncrementalStepRunReason[] models = [.. Outputs(second, TrackingNames.LayerModels).Select(output => output.Reason)];
        Assert.Equal(2, models.Length);
        Assert.Single(models, reason => reason == IncrementalStepRunReason.Modified);
        Assert.Single(models, reason => reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        // Two layer outputs (one regenerated) and the dimension markers (same sizes, so cached).
        Assert.Equal(
            [IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Cached],
            Outputs(second, SourceOutput).Select(output => output.Reason).Order());
        Assert.Equal(crossBefore, Text(second, "Samples.Attention.CrossAttention.g.cs"));
    }

    [Fact]
    public void Fixing_an_error_removes_the_diagnostic_and_adds_the_source()
    {
        string invalid = Temporal.Replace("Heads = 4", "Heads = 5");
        GeneratorRun first = GeneratorHarness.Run(invalid);
        Assert.Equal("SA0001", Assert.Single(first.GeneratorDiagnostics).Id);
        Assert.Empty(first.GeneratedSources);

        GeneratorRun second = GeneratorHarness.Run(first.Driver, ReplaceFirst(first.InputCompilation, Temporal));

        Assert.Empty(second.GeneratorDiagnostics);
        Assert.Equal("Samples.Attention.TemporalAttention.g.cs", Assert.Single(second.LayerSources).HintName);
        Assert.Equal(
            [IncrementalStepRunReason.Modified],
            Outputs(second, TrackingNames.LayerModels).Select(output => output.Reason));
    }

    [Fact]
    public void A_comment_leaves_an_invalid_layers_diagnostics_step_unchanged()
    {
        string invalid = Temporal.Replace("Heads = 4", "Heads = 5");
        GeneratorRun first = GeneratorHarness.Run(invalid, Unrelated);
        SyntaxTree unrelated = first.InputCompilation.SyntaxTrees.Last();

        GeneratorRun second = GeneratorHarness.Run(
            first.Driver,
            first.InputCompilation.ReplaceSyntaxTree(unrelated, unrelated.WithChangedText(
                unrelated.GetText(TestContext.Current.CancellationToken).Replace(0, 0, "// A comment.\n"))));

        AssertUnchanged(second, TrackingNames.Diagnostics);
        Assert.Equal("SA0001", Assert.Single(second.GeneratorDiagnostics).Id);
    }

    [Fact]
    public void Tracked_models_hold_no_symbols_syntax_nodes_or_compilations()
    {
        GeneratorRun run = GeneratorHarness.Run(Temporal, Cross, Temporal.Replace("Heads = 4", "Heads = 5").Replace("TemporalAttention", "BrokenAttention"));

        foreach (string step in new[] { TrackingNames.LayerModels, TrackingNames.Diagnostics, TrackingNames.Dimensions })
        {
            foreach ((object value, _) in Outputs(run, step))
            {
                AssertNoRoslynObjects(value, $"{step} output");
            }
        }
    }

    // Helpers --------------------------------------------------------------------------------------------------------

    private static CSharpCompilation ReplaceFirst(CSharpCompilation compilation, string newText)
    {
        SyntaxTree old = compilation.SyntaxTrees.First();
        return compilation.ReplaceSyntaxTree(old, GeneratorHarness.Parse(newText, old.FilePath));
    }

    private static string Text(GeneratorRun run, string? hintName = null) =>
        hintName is null
            ? Assert.Single(run.LayerSources).SourceText.ToString()
            : Assert.Single(run.LayerSources, s => s.HintName == hintName).SourceText.ToString();

    private static ImmutableArray<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRun run, string stepName)
    {
        GeneratorRunResult result = run.Result;
        ImmutableArray<IncrementalGeneratorRunStep> steps =
            result.TrackedSteps.TryGetValue(stepName, out var tracked) ? tracked
            : result.TrackedOutputSteps.TryGetValue(stepName, out var output) ? output
            : throw new InvalidOperationException(
                $"No tracked step '{stepName}'; tracked: {string.Join(", ", result.TrackedSteps.Keys.Concat(result.TrackedOutputSteps.Keys))}.");
        return [.. steps.SelectMany(step => step.Outputs)];
    }

    private static void AssertUnchanged(GeneratorRun run, string stepName)
    {
        var outputs = Outputs(run, stepName);
        Assert.NotEmpty(outputs);
        Assert.All(outputs, output => Assert.True(
            output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"Step {stepName} output {output.Value} was {output.Reason}."));
    }

    private static void AssertAllOutputs(GeneratorRun run, string stepName, IncrementalStepRunReason reason)
    {
        var outputs = Outputs(run, stepName);
        Assert.NotEmpty(outputs);
        Assert.All(outputs, output => Assert.Equal(reason, output.Reason));
    }

    /// <summary>
    /// Walks <paramref name="value"/>'s fields and fails on a Roslyn object that would keep a compilation alive or defeat
    /// caching (symbols, syntax nodes, semantic models, compilations). A <see cref="SyntaxTree"/> is allowed (diagnostics
    /// are rebuilt from tree + span) and not walked into.
    /// </summary>
    private static void AssertNoRoslynObjects(object value, string path)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(object Value, string Path)>();
        pending.Push((value, path));
        while (pending.Count > 0)
        {
            (object current, string currentPath) = pending.Pop();
            Type type = current.GetType();
            if (type.IsPrimitive || type.IsEnum || current is string || current is SyntaxTree || current is DiagnosticDescriptor || !visited.Add(current))
            {
                continue;
            }

            Assert.False(
                current is ISymbol or SyntaxNode or SemanticModel or Compilation or Location,
                $"{currentPath} holds a {type.Name}.");

            if (current is IEnumerable items && current is not Array)
            {
                int i = 0;
                foreach (object? item in items)
                {
                    if (item is not null)
                    {
                        pending.Push((item, $"{currentPath}[{i}]"));
                    }

                    i++;
                }
            }

            if (current is Array array)
            {
                for (int i = 0; i < array.Length; i++)
                {
                    if (array.GetValue(i) is { } element)
                    {
                        pending.Push((element, $"{currentPath}[{i}]"));
                    }
                }

                continue;
            }

            for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
            {
                foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.GetValue(current) is { } fieldValue)
                    {
                        pending.Push((fieldValue, $"{currentPath}.{field.Name}"));
                    }
                }
            }
        }
    }
}
