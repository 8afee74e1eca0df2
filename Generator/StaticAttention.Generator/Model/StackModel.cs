namespace StaticAttention.Generator.Model
{
    /// <summary>One layer of a stack: its fully qualified type and its per-item shapes (tokens; input and output features).</summary>
    internal sealed record StackMember(string TypeName, int Tokens, int InputFeatures, int OutputFeatures);

    /// <summary>A valid <c>[LayerStack]</c>: where to write it and its members, first to last.</summary>
    internal sealed record StackModel(HierarchyModel Hierarchy, EquatableArray<StackMember> Members)
    {
        /// <summary>The class's name.</summary>
        public string ClassName => Hierarchy.Name;
    }

    /// <summary>What the stack parser makes of one class: the stack to emit (null when invalid) and the diagnostics.</summary>
    internal sealed record StackParseResult(StackModel? Stack, EquatableArray<DiagnosticInfo> Diagnostics);
}
