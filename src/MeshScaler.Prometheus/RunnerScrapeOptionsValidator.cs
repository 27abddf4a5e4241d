using Microsoft.Extensions.Options;

namespace MeshScaler.Prometheus;

internal sealed class RunnerScrapeOptionsValidator : IValidateOptions<RunnerScrapeOptions>
{
    public ValidateOptionsResult Validate(string? name, RunnerScrapeOptions options)
    {
        const string S = RunnerScrapeOptions.SectionName;
        var errors = new List<string>();
        if (options.ScrapeTimeout <= TimeSpan.Zero || options.ScrapeTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{S}:ScrapeTimeout must be > 0 and at most 1 min, got {options.ScrapeTimeout}");
        }

        if (options.MaxConcurrentScrapes is < 1 or > 10_000)
        {
            errors.Add($"{S}:MaxConcurrentScrapes must be between 1 and 10000, got {options.MaxConcurrentScrapes}");
        }

        if (options.MaxExpositionBytes < 1024)
        {
            errors.Add($"{S}:MaxExpositionBytes must be at least 1024, got {options.MaxExpositionBytes}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

