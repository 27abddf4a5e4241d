using System.ComponentModel;
using System.Globalization;
using MeshScaler.Core;

namespace MeshScaler.Hosting;

/// <summary>
/// Makes configuration read durations as the command line does (<see cref="Durations"/>): the configuration binder
/// converts strings through the type's <see cref="TypeConverter"/>, whose default for <see cref="TimeSpan"/> reads a
/// bare <c>5</c> as five days.
/// </summary>
internal sealed class DurationConverter : TimeSpanConverter
{
    private static int _registered;

    /// <summary>Installs the converter for <see cref="TimeSpan"/> in this process; later calls do nothing.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            TypeDescriptor.AddAttributes(typeof(TimeSpan), new TypeConverterAttribute(typeof(DurationConverter)));
        }
    }

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text
            ? Durations.TryParse(text, out var duration)
                ? duration
                : throw new FormatException($"\"{text}\" is not a duration such as {Durations.Examples}")
            : base.ConvertFrom(context, culture, value);
}
