namespace MeshScaler.Core;

/// <summary>The latest good stats of one topic and when they were fetched.</summary>
public sealed record TopicObservation(TopicName Topic, TopicStats Stats, DateTimeOffset FetchedAt);
