using MeshScaler.Core;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Pulsar;

/// <summary>Reads a credential file for a cluster, turning I/O failures into errors that name the setting and path only.</summary>
internal static partial class CredentialFiles
{
    public static string Read(RotatingFile file, string cluster, string setting, ILogger logger)
    {
        string content;
        bool changed;
        try
        {
            content = file.Read(out changed);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScalingException(
                ScalingErrorKind.Unauthenticated,
                $"cluster '{cluster}': cannot read {setting} \"{file.Path}\": {ex.Message}",
                ex);
        }

        if (content.Length == 0)
        {
            throw new ScalingException(ScalingErrorKind.Unauthenticated, $"cluster '{cluster}': {setting} \"{file.Path}\" is empty");
        }

        if (changed)
        {
            LogCredentialFileReloaded(logger, cluster, setting, file.Path);
        }

        return content;
    }

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information,
        Message = "cluster '{Cluster}': {Setting} \"{Path}\" changed; using the new credentials")]
    private static partial void LogCredentialFileReloaded(ILogger logger, string cluster, string setting, string path);
}
