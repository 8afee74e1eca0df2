using System.ComponentModel;
using System.Reflection;
using System.Text;

namespace StaticAttention.Generator.Tests;

/// <summary>
/// Lists an assembly's public surface as C#-like declarations, one per line, in a stable order: every exported type
/// (with its kind, base type and interfaces, and <c>[EditorBrowsable(Never)]</c> when it is hidden) and its public and
/// protected constructors, methods, properties, fields and events. Compared with a checked-in list, it makes every
/// change to what users can call visible in review.
/// </summary>
public static class PublicApiLister
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                          BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string List(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (Type type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(Hidden(type)).Append(TypeDeclaration(type)).Append('\n');
            foreach (string member in Members(type).OrderBy(m => m, StringComparer.Ordinal))
            {
                text.Append("    ").Append(member).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Hidden(MemberInfo member) =>
        member.GetCustomAttribute<EditorBrowsableAttribute>() is { State: EditorBrowsableState.Never } ? "[EditorBrowsable(Never)] " : "";

    private static string TypeDeclaration(Type type)
    {
        string kind = type switch
        {
            { IsInterface: true } => "interface",
            { IsEnum: true } => "enum",
            { IsValueType: true } => "struct",
            _ when typeof(Delegate).IsAssignableFrom(type.BaseType) => "delegate",
            { IsAbstract: true, IsSealed: true } => "static class",
            { IsAbstract: true } => "abstract class",
            { IsSealed: true } => "sealed class",
            _ => "class",
        };
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum) &&
            kind != "delegate")
        {
            bases.Add(Name(baseType));
        }

        if (!type.IsEnum) bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).OrderBy(n => n, StringComparer.Ordinal));
        return "public " + kind + " " + (type.Namespace is null ? "" : type.Namespace + ".") + Name(type) +
               (bases.Count == 0 ? "" : " : " + string.Join(", ", bases));
    }

    private static IEnumerable<string> Members(Type type)
    {
        if (type.IsEnum)
        {
            foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                yield return field.Name + " = " + Convert.ToInt64(field.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture);
            }

            yield break;
        }

        foreach (MemberInfo member in type.GetMembers(Declared))
        {
            string? line = member switch
            {
                ConstructorInfo c when Visible(c) => Access(c) + Static(c) + Name(type).Split('<')[0] + Parameters(c),
                MethodInfo m when Visible(m) && !m.IsSpecialName => Access(m) + Static(m) + Modifiers(m, type) + Name(m.ReturnType) + " " + m.Name + Generic(m) + Parameters(m),
                MethodInfo m when Visible(m) && m.Name.StartsWith("op_", StringComparison.Ordinal) => Access(m) + "static " + Name(m.ReturnType) + " " + m.Name + Parameters(m),
                PropertyInfo p => Property(p),
                FieldInfo f when f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly => Field(f),
                EventInfo e when e.AddMethod is { } add && Visible(add) => Access(add) + "event " + Name(e.EventHandlerType!) + " " + e.Name,
                _ => null,
            };
            if (line is not null) yield return Hidden(member) + line;
        }
    }

    private static bool Visible(MethodBase m) => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly;

    private static string Access(MethodBase m) => m.IsPublic ? "public " : "protected ";

    private static string Static(MethodBase m) => m.IsStatic ? "static " : "";

    private static string Modifiers(MethodInfo m, Type type)
    {
        if (type.IsInterface || m.IsStatic) return m.IsAbstract && m.IsStatic ? "abstract " : "";
        if (m.IsAbstract) return "abstract ";
        if (m.IsVirtual && !m.IsFinal) return m.GetBaseDefinition() == m ? "virtual " : "override ";
        return m.IsVirtual && m.GetBaseDefinition() != m ? "override " : "";
    }

    private static string? Property(PropertyInfo p)
    {
        MethodInfo? get = p.GetMethod is { } g && Visible(g) ? g : null;
        MethodInfo? set = p.SetMethod is { } s && Visible(s) ? s : null;
        MethodInfo? any = get ?? set;
        if (any is null) return null;
        string accessors = (get is null ? "" : "get; ") + (set is null ? "" : set.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? "init; " : "set; ");
        string indexer = p.GetIndexParameters() is { Length: > 0 } index ? "this[" + string.Join(", ", index.Select(Parameter)) + "]" : p.Name;
        return Access(any) + Static(any) + Name(p.PropertyType) + " " + indexer + " { " + accessors + "}";
    }

    private static string Field(FieldInfo f)
    {
        string prefix = f.IsPublic ? "public " : "protected ";
        if (f.IsLiteral)
        {
            object? value = f.GetRawConstantValue();
            string literal = value switch
            {
                string s => "\"" + s + "\"",
                float x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f",
                IFormattable x => x.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => value?.ToString() ?? "null",
            };
            return prefix + "const " + Name(f.FieldType) + " " + f.Name + " = " + literal;
        }

        return prefix + (f.IsStatic ? "static " : "") + (f.IsInitOnly ? "readonly " : "") + Name(f.FieldType) + " " + f.Name;
    }

    private static string Generic(MethodInfo m) =>
        m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : "";

    private static string Parameters(MethodBase m) => "(" + string.Join(", ", m.GetParameters().Select(Parameter)) + ")";

    private static string Parameter(ParameterInfo p)
    {
        string modifier = p.ParameterType.IsByRef ? (p.IsOut ? "out " : p.IsIn ? "in " : "ref ") : "";
        string optional = p.HasDefaultValue ? " = " + (p.DefaultValue switch { null => "null", string s => "\"" + s + "\"", bool b => b ? "true" : "false", var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) }) : "";
        return modifier + Name(p.ParameterType) + " " + p.Name + optional;
    }

    /// <summary>A type's C# name: keywords for the built-in types, generic arguments in angle brackets, outer types dotted.</summary>
    public static string Name(Type type)
    {
        if (type.IsByRef || type.IsPointer) return Name(type.GetElementType()!) + (type.IsPointer ? "*" : "");
        if (type.IsArray) return Name(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (type.IsGenericParameter) return type.Name;
        if (Nullable.GetUnderlyingType(type) is { } underlying) return Name(underlying) + "?";
        string? keyword = Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool", TypeCode.Byte => "byte", TypeCode.Int16 => "short", TypeCode.Int32 => "int",
            TypeCode.Int64 => "long", TypeCode.Single => "float", TypeCode.Double => "double", TypeCode.String => "string",
            TypeCode.UInt16 => "ushort", TypeCode.UInt32 => "uint", TypeCode.UInt64 => "ulong", TypeCode.SByte => "sbyte",
            TypeCode.Char => "char", TypeCode.Decimal => "decimal",
            _ => type == typeof(void) ? "void" : type == typeof(object) ? "object" : null,
        };
        if (keyword is not null && !type.IsEnum) return keyword;

        string outer = type.IsNested && !type.IsGenericParameter ? Name(type.DeclaringType!) + "." : "";
        string name = type.Name;
        int tick = name.IndexOf('`');
        if (tick >= 0) name = name.Substring(0, tick);
        Type[] arguments = type.GetGenericArguments();
        int inherited = type.IsNested ? type.DeclaringType!.GetGenericArguments().Length : 0;
        string own = arguments.Length > inherited ? "<" + string.Join(", ", arguments.Skip(inherited).Select(Name)) + ">" : "";
        return outer + name + own;
    }
}
