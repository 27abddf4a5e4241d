using Microsoft.Extensions.Options;

namespace MeshScaler.Prometheus;

/// <summary>Collects every invalid setting of <see cref="PrometheusExpositionOptions"/>, each by name.</summary>
internal sealed class PrometheusExpositionOptionsValidator : IValidateOptions<PrometheusExpositionOptions>
{
    private const int MaxSeriesLimit = 1_000_000;

    public ValidateOptionsResult Validate(string? name, PrometheusExpositionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MeterNamePrefix is null)
        {
            failures.Add($"{nameof(PrometheusExpositionOptions)}.{nameof(PrometheusExpositionOptions.MeterNamePrefix)} must not be null (use \"\" to export every meter).");
        }

        if (options.MaxSeriesPerInstrument is < 1 or > MaxSeriesLimit)
        {
            failures.Add($"{nameof(PrometheusExpositionOptions)}.{nameof(PrometheusExpositionOptions.MaxSeriesPerInstrument)} must be between 1 and {MaxSeriesLimit}, got {options.MaxSeriesPerInstrument}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
