using System.Reflection;
using System.Reflection.Emit;

namespace MalariaLab.Tests.Support;

/// <summary>A method body's IL read opcode by opcode, and the methods it calls (call, callvirt, newobj, ldftn, ldvirtftn).</summary>
public static class IlCalls
{
    const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>Every method and constructor declared in the assembly's types (nested and compiler-made ones included).</summary>
    public static IEnumerable<MethodBase> MethodsOf(Assembly assembly)
    {
        Type[] types;
        try { types = assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { types = [.. e.Types.OfType<Type>()]; }
        return types.SelectMany(t => t.GetMethods(Declared).Cast<MethodBase>().Concat(t.GetConstructors(Declared)));
    }

    /// <summary>The methods called; a call site whose method cannot be resolved (a missing assembly, a generic context
    /// the reader lacks) is added to <paramref name="unresolved"/> when given.</summary>
    public static IEnumerable<MethodBase> Callees(MethodBase method, List<string>? unresolved = null)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is BadImageFormatException or FileNotFoundException or InvalidOperationException) { yield break; }
        if (il is null) yield break;
        var typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        foreach (var (opCode, operand) in Instructions(il))
        {
            if (opCode.OperandType != OperandType.InlineMethod) continue;
            MethodBase? callee = null;
            try { callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, operand), typeArguments, methodArguments); }
            catch (Exception e) when (e is ArgumentException or BadImageFormatException or FileNotFoundException or TypeLoadException) { unresolved?.Add($"{Key(method)} at IL {operand}: {e.Message}"); }
            if (callee is not null) yield return callee;
        }
    }

    /// <summary>Each instruction of a method body, in order: its opcode and where its operand starts.</summary>
    public static IEnumerable<(OpCode OpCode, int Operand)> Instructions(byte[] il)
    {
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var opCode = OpCodesByValue[value];
            int operand = i;
            i += opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            yield return (opCode, operand);
        }
    }

    /// <summary>The method's definition: the same for a generic method or a member of a generic type as for each of
    /// their instantiations, and for a call site's reference as for the method itself.</summary>
    public static (Guid Module, int Token) Identity(MethodBase method) => (method.Module.ModuleVersionId, method.MetadataToken);

    /// <summary>Type::name(parameter types), for messages.</summary>
    public static string Key(MethodBase method)
    {
        string parameters;
        try { parameters = string.Join(",", method.GetParameters().Select(p => p.ParameterType.Name)); }
        catch (FileNotFoundException) { parameters = "?"; }
        return $"{method.DeclaringType?.FullName}::{method.Name}({parameters})";
    }
}
