using System.ComponentModel;
using System.Reflection;
using MeshScaler.Core;
using MeshScaler.Engine;
using MeshScaler.Pulsar;

namespace MeshScaler.Hosting;

/// <summary>
/// Finds every MeshScaler setting whose value does not convert to its option's type, before anything binds it. The
/// configuration binder would throw on the first such value, as an unhandled exception; instead each one is named
/// here, with what it should look like, and reported together with the other invalid settings.
/// </summary>
internal static class ConfigurationCheck
{
    private static readonly (string Section, Type[] Options)[] Sections =
    [
        (GrpcListenerOptions.SectionName, [typeof(GrpcListenerOptions)]),
        (HttpListenerOptions.SectionName, [typeof(HttpListenerOptions)]),
        (SignalStoreOptions.SectionName, [typeof(SignalStoreOptions), typeof(PulsarOptions)]),
    ];

    /// <summary>One failure per setting that does not convert: its full key and the message naming it.</summary>
    public static IReadOnlyList<(string Key, string Message)> Find(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var failures = new List<(string, string)>();
        foreach (var (section, options) in Sections)
        {
            foreach (var child in configuration.GetSection(section).GetChildren())
            {
                if (options.Select(o => Property(o, child.Key)).FirstOrDefault(p => p is not null) is { } property)
                {
                    Check(child, property.PropertyType, failures);
                }
            }
        }

        return failures;
    }

    private static void Check(IConfigurationSection section, Type type, List<(string, string)> failures)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            return;
        }

        var converter = TypeDescriptor.GetConverter(target);
        if (converter.CanConvertFrom(typeof(string)) && !target.IsGenericType)
        {
            if (section.Value is { } value && !Converts(converter, value))
            {
                failures.Add((section.Path, $"{section.Path} must be {Describe(target)}, got \"{value}\""));
            }

            return;
        }

        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            foreach (var entry in section.GetChildren())
            {
                Check(entry, target.GetGenericArguments()[1], failures);
            }

            return;
        }

        foreach (var child in section.GetChildren())
        {
            if (Property(target, child.Key) is { } property)
            {
                Check(child, property.PropertyType, failures);
            }
        }
    }

    private static PropertyInfo? Property(Type type, string name) =>
        type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);

    private static bool Converts(TypeConverter converter, string value)
    {
        try
        {
            converter.ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or NotSupportedException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(TimeSpan) => $"a duration: {Durations.Examples}",
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(double) => "a number (with . as the decimal separator)",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(Uri) => "a URL",
        _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type))}",
        _ => $"a {type.Name}",
    };
}
