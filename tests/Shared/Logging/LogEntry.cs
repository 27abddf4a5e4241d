using Microsoft.Extensions.Logging;

namespace MeshScaler.Testing;

internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);
