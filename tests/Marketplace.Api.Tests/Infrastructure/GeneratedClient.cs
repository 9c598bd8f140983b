using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;

namespace Marketplace.Api.Tests.Infrastructure;

/// <summary>A C# client generated from the host's OpenAPI document with NSwag, as a client team would, and compiled in memory.</summary>
public static class GeneratedClient
{
    public const string Namespace = "Marketplace.Generated";

    public static string Generate(string openApiJson)
    {
        var document = OpenApiDocument.FromJsonAsync(openApiJson).GetAwaiter().GetResult();
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "MarketplaceClient",
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
            GenerateClientInterfaces = false,
            CSharpGeneratorSettings = { Namespace = Namespace, JsonLibrary = CSharpJsonLibrary.SystemTextJson },
        };
        return new CSharpClientGenerator(document, settings).GenerateFile();
    }

    /// <summary>Compiles the code against the running framework's assemblies; fails with the compiler's errors.</summary>
    public static Assembly Compile(string code)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("GeneratedClient", [CSharpSyntaxTree.ParseText(code)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(result.Success, "the generated client does not compile:\n" + string.Join("\n", errors.Take(20)));
        stream.Position = 0;
        return new AssemblyLoadContext("generated-client", isCollectible: true).LoadFromStream(stream);
    }

    /// <summary>Properties, parameters and results of the generated types that are <c>object</c> (or a collection of it): untyped schemas.</summary>
    public static IEnumerable<string> UntypedMembers(Assembly assembly)
    {
        foreach (var type in assembly.GetExportedTypes().Where(t => t.Namespace == Namespace && !t.Name.StartsWith("ApiException", StringComparison.Ordinal)))
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                if (property.Name != "AdditionalProperties" && IsUntyped(property.PropertyType)) yield return $"{type.Name}.{property.Name}";
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => m.Name.EndsWith("Async", StringComparison.Ordinal)))
            {
                if (IsUntyped(method.ReturnType)) yield return $"{type.Name}.{method.Name}()";
                foreach (var parameter in method.GetParameters().Where(p => IsUntyped(p.ParameterType))) yield return $"{type.Name}.{method.Name}({parameter.Name})";
            }
        }
    }

    /// <summary>Calls an operation of the generated client over <paramref name="http"/>, the arguments by name, and returns its result.</summary>
    public static async Task<object?> CallAsync(Type client, HttpClient http, string operation, params (string Name, object Value)[] arguments)
    {
        var instance = client.GetConstructor([typeof(string), typeof(HttpClient)]) is { } withBaseUrl
            ? withBaseUrl.Invoke([http.BaseAddress!.ToString(), http]) : Activator.CreateInstance(client, http)!;
        var method = client.GetMethods().Single(m => m.Name == operation + "Async" && m.GetParameters().Last().ParameterType == typeof(CancellationToken));
        var values = method.GetParameters().Select(p => arguments.FirstOrDefault(a => a.Name == p.Name) is { Name: not null } given ? given.Value
            : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null).ToArray();
        var task = (Task)method.Invoke(instance, values)!;
        await task;
        return task.GetType().IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
    }

    /// <summary><c>Task`1[ICollection`1[OfferingDto]]</c>: the type's name with its arguments, without namespaces.</summary>
    public static string ShortName(Type type) =>
        type.IsGenericType ? $"{type.Name}[{string.Join(",", type.GetGenericArguments().Select(ShortName))}]" : type.Name;

    private static bool IsUntyped(Type type) =>
        type == typeof(object) || type.IsGenericType && type.GetGenericArguments().Any(IsUntyped);
}
