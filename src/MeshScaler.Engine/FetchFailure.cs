using MeshScaler.Core;

namespace MeshScaler.Engine;

/// <summary>The last failed fetch of a polled value.</summary>
/// <param name="Error">What the caller is told.</param>
/// <param name="Unexpected">The source threw something other than <see cref="ScalingException"/>: a bug to log as Error.</param>
internal sealed record FetchFailure(ScalingException Error, bool Unexpected = false);
