using Microsoft.Extensions.Logging;

namespace MeshScaler.Grpc.Tests.Infrastructure;

internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);
