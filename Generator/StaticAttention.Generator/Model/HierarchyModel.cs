using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace StaticAttention.Generator.Model
{
    /// <summary>
    /// Where a generated partial class goes: its namespace, the types it is nested in (outermost first) and the name of
    /// the file, so every generated type is wrapped and named one way (as CommunityToolkit.Mvvm's <c>HierarchyInfo</c>).
    /// </summary>
    /// <param name="Namespace">The containing namespace, empty for the global one.</param>
    /// <param name="Name">The class's own name.</param>
    /// <param name="FileName">The hint name: the fully qualified metadata name (<c>Ns.Outer`1+Layer</c>) and <c>.g.cs</c>, unique per type.</param>
    /// <param name="ContainingTypes">The types the class is nested in, outermost first.</param>
    internal sealed record HierarchyModel(string Namespace, string Name, string FileName, EquatableArray<ContainingTypeModel> ContainingTypes)
    {
        public static HierarchyModel From(INamedTypeSymbol symbol)
        {
            string ns = symbol.ContainingNamespace.IsGlobalNamespace ? "" : symbol.ContainingNamespace.ToDisplayString();
            var containing = new List<ContainingTypeModel>();
            string metadataName = symbol.MetadataName;
            for (INamedTypeSymbol? outer = symbol.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                containing.Insert(0, new ContainingTypeModel(Keyword(outer), outer.Name + TypeParameters(outer)));
                metadataName = outer.MetadataName + "+" + metadataName;
            }
            string fileName = (ns.Length > 0 ? ns + "." : "") + metadataName + ".g.cs";
            return new HierarchyModel(ns, symbol.Name, fileName, new EquatableArray<ContainingTypeModel>(containing.ToArray()));
        }

        private static string Keyword(INamedTypeSymbol type) => type switch
        {
            { IsRecord: true, IsValueType: true } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };

        private static string TypeParameters(INamedTypeSymbol type)
        {
            if (type.TypeParameters.IsEmpty) return "";
            var names = new List<string>();
            foreach (ITypeParameterSymbol parameter in type.TypeParameters)
            {
                string variance = parameter.Variance switch
                {
                    VarianceKind.In => "in ",
                    VarianceKind.Out => "out ",
                    _ => "",
                };
                names.Add(variance + parameter.Name);
            }
            return "<" + string.Join(", ", names) + ">";
        }
    }
}
