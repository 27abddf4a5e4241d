using Microsoft.Extensions.Options;

namespace MeshScaler.Engine;

/// <summary>Collects every invalid setting, each named by its configuration key.</summary>
internal sealed class SignalStoreOptionsValidator : IValidateOptions<SignalStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SignalStoreOptions options)
    {
        const string Prefix = SignalStoreOptions.SectionName;
        var errors = new List<string>();
        if (options.PollInterval <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}:PollInterval must be greater than 0, got {options.PollInterval}");
        }

        // Unset, it follows PollInterval down (and PollInterval's own error covers a bad value); set, it must fit under it.
        if (options.WakePollIntervalIsSet)
        {
            if (options.WakePollInterval <= TimeSpan.Zero)
            {
                errors.Add($"{Prefix}:WakePollInterval must be greater than 0, got {options.WakePollInterval}");
            }
            else if (options.WakePollInterval > options.PollInterval)
            {
                errors.Add($"{Prefix}:WakePollInterval must be at most PollInterval ({options.PollInterval}), got {options.WakePollInterval}");
            }
            else if (options.PollInterval.Ticks % options.WakePollInterval.Ticks != 0)
            {
                // The loop ticks at the wake interval; otherwise PollInterval would silently round up to a multiple of it.
                errors.Add($"{Prefix}:WakePollInterval must divide PollInterval ({options.PollInterval}) evenly, got {options.WakePollInterval}");
            }
        }

        if (options.MaxStaleness < options.PollInterval)
        {
            errors.Add($"{Prefix}:MaxStaleness must be at least PollInterval ({options.PollInterval}), got {options.MaxStaleness}");
        }

        if (options.IdleEviction < options.PollInterval)
        {
            errors.Add($"{Prefix}:IdleEviction must be at least PollInterval ({options.PollInterval}), got {options.IdleEviction}");
        }

        if (options.TopicListRefresh <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}:TopicListRefresh must be greater than 0, got {options.TopicListRefresh}");
        }

        if (options.MaxConcurrentFetches < 1)
        {
            errors.Add($"{Prefix}:MaxConcurrentFetches must be at least 1, got {options.MaxConcurrentFetches}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
