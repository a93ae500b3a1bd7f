using System.Reflection;
using System.Reflection.Emit;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Architecture;

/// <summary>Which namespaces of an assembly use which: every type's base, interfaces, fields, signatures, attributes
/// and the members its method bodies call (IL operands), compiler-generated closures counted with their owner.</summary>
public static class NamespaceDependencies
{
    /// <summary>Edges between namespaces cut at <paramref name="depth"/> levels below the root: 1 gives the layers
    /// (Foundation, Data, ...), 2 the modules inside them (Foundation.Common, Data.Splitting, ...).</summary>
    public static Dictionary<string, HashSet<string>> Of(Assembly assembly, string rootNamespace, int depth = 2)
    {
        var edges = new Dictionary<string, HashSet<string>>();
        foreach (var type in assembly.GetTypes())
        {
            string? from = OwnNamespace(type, rootNamespace, depth);
            if (from is null) continue;
            if (!edges.TryGetValue(from, out var targets)) edges[from] = targets = [];
            foreach (var used in UsedTypes(type))
                if (OwnNamespace(used, rootNamespace, depth) is { } to && to != from) targets.Add(to);
        }
        return edges;
    }

    /// <summary>The first <paramref name="depth"/> namespace levels below the root ("MalariaLab.Data.Splitting.Strategies" →
    /// "Data" at depth 1, "Data.Splitting" at depth 2).</summary>
    static string? OwnNamespace(Type type, string root, int depth)
    {
        while (type.IsNested) type = type.DeclaringType!;
        string? ns = type.Namespace;
        if (ns is null || !ns.StartsWith(root + ".", StringComparison.Ordinal)) return null;
        return string.Join('.', ns[(root.Length + 1)..].Split('.').Take(depth));
    }

    static IEnumerable<Type> UsedTypes(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } b) foreach (var t in Expand(b)) yield return t;
        foreach (var i in type.GetInterfaces()) foreach (var t in Expand(i)) yield return t;
        foreach (var a in type.GetCustomAttributesData()) yield return a.AttributeType;
        foreach (var f in type.GetFields(all)) foreach (var t in Expand(f.FieldType)) yield return t;
        foreach (var p in type.GetProperties(all)) foreach (var t in Expand(p.PropertyType)) yield return t;
        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo m) foreach (var t in Expand(m.ReturnType)) yield return t;
            foreach (var p in method.GetParameters()) foreach (var t in Expand(p.ParameterType)) yield return t;
            foreach (var t in BodyReferences(method)) yield return t;
        }
    }

    static IEnumerable<Type> Expand(Type type)
    {
        if (type.HasElementType) { foreach (var t in Expand(type.GetElementType()!)) yield return t; yield break; }
        if (type.IsGenericParameter) yield break;
        yield return type;
        if (type.IsGenericType) foreach (var arg in type.GetGenericArguments()) foreach (var t in Expand(arg)) yield return t;
    }

    /// <summary>Types named by the method body's tokens (calls, field loads, newobj, casts, typeof, locals).</summary>
    static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body is null) yield break;
        foreach (var local in body.LocalVariables) foreach (var t in Expand(local.LocalType)) yield return t;
        var il = body.GetILAsByteArray() ?? [];
        var module = method.Module;
        Type[]? typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        foreach (var (op, operand) in IlCalls.Instructions(il))
        {
            if (op.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                MemberInfo? member = null;
                try { member = module.ResolveMember(BitConverter.ToInt32(il, operand), typeArgs, methodArgs); }
                catch (ArgumentException) { }
                if (member is Type t) foreach (var x in Expand(t)) yield return x;
                else if (member?.DeclaringType is { } d) foreach (var x in Expand(d)) yield return x;
                if (member is MethodInfo called) foreach (var x in Expand(called.ReturnType)) yield return x;
                if (member is FieldInfo field) foreach (var x in Expand(field.FieldType)) yield return x;
            }
        }
    }

    /// <summary>Every cycle's namespaces (strongly connected components of more than one namespace), Tarjan's algorithm.</summary>
    public static List<List<string>> Cycles(Dictionary<string, HashSet<string>> edges)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var cycles = new List<List<string>>();
        int next = 0;
        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in edges.GetValueOrDefault(v, []))
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            if (component.Count > 1) cycles.Add(component.Order(StringComparer.Ordinal).ToList());
        }
        foreach (var v in edges.Keys.Order(StringComparer.Ordinal)) if (!index.ContainsKey(v)) Visit(v);
        return cycles;
    }
}
