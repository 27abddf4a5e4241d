using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Testing;

/// <summary>Keeps every log entry of a test host so tests can assert on levels and event ids, and fail on unexpected errors.</summary>
internal sealed class TestLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly object _gate = new();
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IReadOnlyList<LogEntry> Errors => Entries.Where(e => e.Level >= LogLevel.Error).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Completes when an entry with <paramref name="eventId"/> from a category starting with <paramref name="categoryPrefix"/> has been logged.</summary>
    public async Task<LogEntry> WaitForEventAsync(int eventId, string categoryPrefix = "MeshScaler")
    {
        while (true)
        {
            Task added;
            lock (_gate)
            {
                added = _added.Task;
            }

            var found = _entries.FirstOrDefault(e => e.EventId.Id == eventId && e.Category.StartsWith(categoryPrefix, StringComparison.Ordinal));
            if (found is not null)
            {
                return found;
            }

            await added.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        _entries.Enqueue(entry);
        TaskCompletionSource added;
        lock (_gate)
        {
            added = _added;
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        added.TrySetResult();
    }

    private sealed class Logger(TestLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
